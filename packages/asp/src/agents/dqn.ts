/**
 * DQN as the code's benchmark (tianshou DQNPolicy, benchmark/dqn.py), readable top to
 * bottom:
 *
 *  1. an MLP state → Q over the 20 ASPs (two Mish layers of 256) and a target copy;
 *  2. acting: ε-greedy (ε = 0.1 while training, greedy when testing);
 *  3. learning, one minibatch of n-step transitions at a time (double DQN, tianshou's default):
 *       a* = argmax_a Q(s', a; θ)                      the online net picks …
 *       y  = R + γⁿ·(1 − done)·Q(s', a*; θ̄)            … the target net evaluates
 *       θ ← Adam step on mean (y − Q(s, a; θ))² + (λ/2)‖θ‖²
 *  4. θ̄ ← θ every 320 gradient steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { argmax, type Batch, type Rng } from '@semaigc/root';
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
  softUpdate,
  toTfMlp,
  type MlpWeights,
  type TfMlp,
} from './mlp';

export class DqnLearner implements Learner {
  readonly name = 'dqn' as const;
  readonly config: AspTrainConfig;
  private readonly online: TfMlp;
  private readonly target: TfMlp;
  private readonly optimizer: tf.Optimizer;
  private snapshot: MlpWeights;
  private forward: (x: Float32Array) => Float32Array;
  private updates = 0;

  constructor(
    readonly nFeatures: number,
    readonly nActions: number,
    config: Partial<AspTrainConfig>,
    init: Rng | { q: MlpWeights },
  ) {
    this.config = resolveTrainConfig(config);
    const h = this.config.hiddenUnits;
    const w =
      'q' in init ? cloneMlp(init.q) : initMlp([nFeatures, h, h, nActions], ['mish', 'mish', 'linear'], init);
    this.snapshot = w;
    this.forward = createMlpForward(w);
    this.online = toTfMlp(w, true);
    this.target = toTfMlp(w, false);
    this.optimizer = tf.train.adam(this.config.dqnLr);
  }

  act(obs: Float32Array, explore: boolean, rng: Rng): number {
    if (explore && rng.uniform() < this.config.dqnEpsilon) return rng.int(this.nActions);
    return argmax(this.forward(obs));
  }

  learn(batch: Batch): LearnStats {
    const vars = mlpVariables(this.online);
    const loss = tf.tidy(() => {
      const { obs, next } = batchStates(batch, this.nFeatures);
      const bestNext = tf.argMax(mlpForward(this.online, next), 1);
      const nextValue = tf.sum(tf.mul(mlpForward(this.target, next), tf.oneHot(bestNext, this.nActions)), 1);
      const y = tdTarget(batch, nextValue, this.config);
      const mask = tf.oneHot(tf.tensor1d(batch.actions, 'int32'), this.nActions);
      const cost = this.optimizer.minimize(
        () => {
          const q = tf.sum(tf.mul(mlpForward(this.online, obs), mask), 1);
          return tf.add<tf.Scalar>(
            tf.losses.meanSquaredError(y, q),
            l2Penalty(vars, this.config.weightDecay),
          );
        },
        true,
        vars,
      );
      return cost!.dataSync()[0]!;
    });
    this.updates++;
    if (this.updates % this.config.dqnTargetUpdateEvery === 0) {
      softUpdate(mlpVariables(this.target), vars, 1);
    }
    return { criticLoss: loss, actorLoss: NaN };
  }

  sync(): void {
    this.snapshot = readMlp(this.online);
    this.forward = createMlpForward(this.snapshot);
  }

  weights(): Record<string, MlpWeights> {
    return { q: cloneMlp(this.snapshot) };
  }

  dispose(): void {
    disposeMlp(this.online);
    disposeMlp(this.target);
    this.optimizer.dispose();
  }
}
