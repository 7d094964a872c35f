/**
 * D2SAC (D2SAC section V-B, Algorithm 1; code policy/diffusion_sac.py), readable top to
 * bottom:
 *
 *  1. the AGOD diffusion actor π_θ (diffusion-actor.ts) and a target copy π̄; twin critics
 *     Q_φ1, Q_φ2 with target copies (twin-critic.ts);
 *  2. acting: sample an ASP from π_θ(s) while training; the most probable one when testing
 *     (eq. 17);
 *  3. critic step (eq. 28–30):  y = R + γⁿ·(1 − done)·π̄(s')ᵀ·min Q̄(s')
 *                               (the code's target, without an entropy term)
 *                               each critic ← Adam(η_c) step on mean (y − Q_i(s, a))²;
 *  4. actor step (eq. 25–27):   minimise −E_s[α·H(π_θ(s)) + π_θ(s)ᵀ·min Q(s)], Adam(η_a),
 *                               back-propagated through every denoising step;
 *  5. soft target updates of actor and critics with τ (eq. 31).
 */
import * as tf from '@tensorflow/tfjs-core';
import { argmax, createRng, type Batch, type Rng } from '@semaigc/root';
import { resolveTrainConfig, type AspTrainConfig } from './config';
import {
  createDiffusionPolicy,
  diffusionVariables,
  initDiffusionActor,
  sampleX0,
  toTfDiffusionActor,
  vpSchedule,
  type DiffusionActorWeights,
  type DiffusionSchedule,
  type TfDiffusionActor,
} from './diffusion-actor';
import { batchStates, tdTarget, type LearnStats, type Learner } from './learner';
import { cloneMlp, disposeMlp, l2Penalty, readMlp, sampleIndex, softUpdate, type MlpWeights } from './mlp';
import { TwinCritic } from './twin-critic';

export class D2sacLearner implements Learner {
  readonly name = 'd2sac' as const;
  readonly config: AspTrainConfig;
  readonly schedule: DiffusionSchedule;
  private readonly actor: TfDiffusionActor;
  private readonly targetActor: TfDiffusionActor;
  private readonly critic: TwinCritic;
  private readonly optimizer: tf.Optimizer;
  private snapshot: DiffusionActorWeights;
  private policy: (obs: Float32Array, rng: Rng) => Float32Array;

  constructor(
    readonly nFeatures: number,
    readonly nActions: number,
    config: Partial<AspTrainConfig>,
    init: Rng | DiffusionActorWeights,
  ) {
    this.config = resolveTrainConfig(config);
    const c = this.config;
    this.schedule = vpSchedule(c.denoisingSteps, c.betaMin, c.betaMax);
    const loaded = 'denoiser' in init;
    const w = loaded
      ? { time: cloneMlp(init.time), denoiser: cloneMlp(init.denoiser) }
      : initDiffusionActor(nFeatures, nActions, c.hiddenUnits, c.timeEmbedding, init);
    this.snapshot = w;
    this.policy = createDiffusionPolicy(w, this.schedule);
    this.actor = toTfDiffusionActor(w, true);
    this.targetActor = toTfDiffusionActor(w, false);
    // A loaded checkpoint only acts; its critics are fresh and unused.
    this.critic = new TwinCritic(nFeatures, nActions, c, loaded ? createRng(0) : init);
    this.optimizer = tf.train.adam(c.actorLr);
  }

  /** π_θ(s) for one state (what Fig. 8 of the paper draws). */
  probabilities(obs: Float32Array, rng: Rng): Float32Array {
    return this.policy(obs, rng);
  }

  act(obs: Float32Array, explore: boolean, rng: Rng): number {
    const p = this.policy(obs, rng);
    return explore ? sampleIndex(p, rng) : argmax(p);
  }

  learn(batch: Batch, rng: Rng): LearnStats {
    const { alpha } = this.config;
    return tf.tidy(() => {
      const { obs, next } = batchStates(batch, this.nFeatures);
      const nextP = tf.softmax(
        sampleX0(this.targetActor, this.schedule, next, this.nActions, rng.nextUint32()),
      );
      const nextV = tf.sum(tf.mul(nextP, this.critic.targetQMin(next)), 1);
      const y = tdTarget(batch, nextV, this.config);
      const criticLoss = this.critic.update(obs, batch.actions, y);

      const q = this.critic.qMin(obs);
      const vars = diffusionVariables(this.actor);
      const seed = rng.nextUint32();
      const cost = this.optimizer.minimize(
        () => {
          const logP = tf.logSoftmax(sampleX0(this.actor, this.schedule, obs, this.nActions, seed));
          const p = tf.exp(logP);
          const entropy = tf.neg(tf.sum(tf.mul(p, logP), 1));
          const perState = tf.add(tf.mul(alpha, entropy), tf.sum(tf.mul(p, q), 1));
          return tf.add<tf.Scalar>(tf.neg(tf.mean(perState)), l2Penalty(vars, this.config.weightDecay));
        },
        true,
        vars,
      );
      softUpdate(diffusionVariables(this.targetActor), vars, this.config.tau);
      this.critic.updateTargets();
      return { criticLoss, actorLoss: cost!.dataSync()[0]! };
    });
  }

  sync(): void {
    this.snapshot = { time: readMlp(this.actor.time), denoiser: readMlp(this.actor.denoiser) };
    this.policy = createDiffusionPolicy(this.snapshot, this.schedule);
  }

  weights(): Record<string, MlpWeights> {
    return { time: cloneMlp(this.snapshot.time), denoiser: cloneMlp(this.snapshot.denoiser) };
  }

  dispose(): void {
    for (const a of [this.actor, this.targetActor]) {
      disposeMlp(a.time);
      disposeMlp(a.denoiser);
    }
    this.critic.dispose();
    this.optimizer.dispose();
  }
}
