/**
 * Discrete soft actor–critic as the code's benchmark (tianshou DiscreteSACPolicy,
 * benchmark/sac.py with a fixed α = 0.05), readable top to bottom:
 *
 *  1. an actor MLP state → logits over the 20 ASPs (two Mish layers of 256), and twin
 *     critics with target copies (twin-critic.ts);
 *  2. acting: sample from π = softmax(logits) while training, argmax when testing;
 *  3. critic step:  y = R + γⁿ·(1 − done)·Σ_a' π(a'|s')·[min Q̄(s', a') − α·log π(a'|s')]
 *                   each critic ← Adam step on mean (y − Q_i(s, a))²;
 *  4. actor step:   minimise E_s[Σ_a π(a|s)·(α·log π(a|s) − min Q(s, a))];
 *  5. Q̄ ← τQ + (1 − τ)Q̄.
 */
import * as tf from '@tensorflow/tfjs-core';
import { argmax, createRng, type Batch, type Rng } from '@semaigc/root';
import { resolveTrainConfig, type AspTrainConfig } from './config';
import { batchStates, tdTarget, type LearnStats, type Learner } from './learner';
import {
  cloneMlp,
  createMlpForward,
  disposeMlp,
  initMlp,
  l2Penalty,
  mlpForward,
  mlpVariables,
  readMlp,
  sampleIndex,
  softmax,
  toTfMlp,
  type MlpWeights,
  type TfMlp,
} from './mlp';
import { TwinCritic } from './twin-critic';

export class SacLearner implements Learner {
  readonly name = 'sac' as const;
  readonly config: AspTrainConfig;
  private readonly actor: TfMlp;
  private readonly critic: TwinCritic;
  private readonly optimizer: tf.Optimizer;
  private snapshot: MlpWeights;
  private forward: (x: Float32Array) => Float32Array;

  constructor(
    readonly nFeatures: number,
    readonly nActions: number,
    config: Partial<AspTrainConfig>,
    init: Rng | { actor: MlpWeights },
    criticRng?: Rng,
  ) {
    this.config = resolveTrainConfig(config);
    const h = this.config.hiddenUnits;
    const w =
      'actor' in init
        ? cloneMlp(init.actor)
        : initMlp([nFeatures, h, h, nActions], ['mish', 'mish', 'linear'], init);
    this.snapshot = w;
    this.forward = createMlpForward(w);
    this.actor = toTfMlp(w, true);
    // A loaded checkpoint only acts; its critics are fresh and unused.
    this.critic = new TwinCritic(
      nFeatures,
      nActions,
      this.config,
      criticRng ?? ('actor' in init ? createRng(0) : init),
    );
    this.optimizer = tf.train.adam(this.config.actorLr);
  }

  act(obs: Float32Array, explore: boolean, rng: Rng): number {
    const logits = this.forward(obs);
    return explore ? sampleIndex(softmax(logits), rng) : argmax(logits);
  }

  learn(batch: Batch): LearnStats {
    const { alpha } = this.config;
    return tf.tidy(() => {
      const { obs, next } = batchStates(batch, this.nFeatures);
      const nextLogP = tf.logSoftmax(mlpForward(this.actor, next));
      const nextV = tf.sum(
        tf.mul(tf.exp(nextLogP), tf.sub(this.critic.targetQMin(next), tf.mul(alpha, nextLogP))),
        1,
      );
      const y = tdTarget(batch, nextV, this.config);
      const criticLoss = this.critic.update(obs, batch.actions, y);

      const q = this.critic.qMin(obs);
      const vars = mlpVariables(this.actor);
      const cost = this.optimizer.minimize(
        () => {
          const logP = tf.logSoftmax(mlpForward(this.actor, obs));
          const perState = tf.sum(tf.mul(tf.exp(logP), tf.sub(tf.mul(alpha, logP), q)), 1);
          return tf.add<tf.Scalar>(tf.mean(perState), l2Penalty(vars, this.config.weightDecay));
        },
        true,
        vars,
      );
      this.critic.updateTargets();
      return { criticLoss, actorLoss: cost!.dataSync()[0]! };
    });
  }

  sync(): void {
    this.snapshot = readMlp(this.actor);
    this.forward = createMlpForward(this.snapshot);
  }

  weights(): Record<string, MlpWeights> {
    return { actor: cloneMlp(this.snapshot) };
  }

  dispose(): void {
    disposeMlp(this.actor);
    this.critic.dispose();
    this.optimizer.dispose();
  }
}
