/**
 * The twin Q-networks of SAC and D2SAC (D2SAC section V-B "Double Critic Network"; code
 * diffusion/model.py DoubleCritic): two MLPs state → Q-vector over all ASPs, each with a
 * slowly following target copy; the minimum of the two is the conservative estimate.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@semaigc/root';
import type { AspTrainConfig } from './config';
import {
  disposeMlp,
  initMlp,
  l2Penalty,
  mlpForward,
  mlpVariables,
  softUpdate,
  toTfMlp,
  type MlpWeights,
  type TfMlp,
} from './mlp';

export class TwinCritic {
  private readonly q1: TfMlp;
  private readonly q2: TfMlp;
  private readonly target1: TfMlp;
  private readonly target2: TfMlp;
  private readonly optimizer: tf.Optimizer;

  constructor(
    nFeatures: number,
    private readonly nActions: number,
    private readonly config: AspTrainConfig,
    rng: Rng,
  ) {
    const h = config.hiddenUnits;
    const make = (): MlpWeights => initMlp([nFeatures, h, h, nActions], ['mish', 'mish', 'linear'], rng);
    const w1 = make();
    const w2 = make();
    this.q1 = toTfMlp(w1, true);
    this.q2 = toTfMlp(w2, true);
    this.target1 = toTfMlp(w1, false);
    this.target2 = toTfMlp(w2, false);
    this.optimizer = tf.train.adam(config.criticLr);
  }

  /** min(Q1, Q2)(s) of the online critics, [n, actions] (no gradient is taken through it). */
  qMin(obs: tf.Tensor2D): tf.Tensor2D {
    return tf.minimum(mlpForward(this.q1, obs), mlpForward(this.q2, obs));
  }

  /** min(Q̄1, Q̄2)(s) of the target critics. */
  targetQMin(obs: tf.Tensor2D): tf.Tensor2D {
    return tf.minimum(mlpForward(this.target1, obs), mlpForward(this.target2, obs));
  }

  /** One Adam step on Σ_i mean (y − Q_i(s, a))² (D2SAC eq. 28); returns that loss. */
  update(obs: tf.Tensor2D, actions: Int32Array, y: tf.Tensor1D): number {
    const mask = tf.oneHot(tf.tensor1d(actions, 'int32'), this.nActions);
    const vars = [...mlpVariables(this.q1), ...mlpVariables(this.q2)];
    const cost = this.optimizer.minimize(
      () => {
        const q1 = tf.sum(tf.mul(mlpForward(this.q1, obs), mask), 1);
        const q2 = tf.sum(tf.mul(mlpForward(this.q2, obs), mask), 1);
        const td = tf.add(tf.losses.meanSquaredError(y, q1), tf.losses.meanSquaredError(y, q2));
        return tf.add<tf.Scalar>(td, l2Penalty(vars, this.config.weightDecay));
      },
      true,
      vars,
    );
    return cost!.dataSync()[0]!;
  }

  /** Q̄ ← τQ + (1 − τ)Q̄ (eq. 31). */
  updateTargets(): void {
    softUpdate(
      [...mlpVariables(this.target1), ...mlpVariables(this.target2)],
      [...mlpVariables(this.q1), ...mlpVariables(this.q2)],
      this.config.tau,
    );
  }

  dispose(): void {
    for (const m of [this.q1, this.q2, this.target1, this.target2]) disposeMlp(m);
    this.optimizer.dispose();
  }
}
