/** What the trainer needs from a learner, and the saved form of its networks. */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, Rng } from '@semaigc/root';
import type { AspTrainConfig, LearnerName } from './config';
import type { MlpWeights } from './mlp';

export interface LearnStats {
  /** Critic (or Q) loss of the minibatch, before the step. */
  criticLoss: number;
  /** Actor loss (NaN for DQN). */
  actorLoss: number;
}

export interface Learner {
  readonly name: LearnerName;
  readonly nFeatures: number;
  readonly nActions: number;
  readonly config: AspTrainConfig;
  /** An action for one observation: exploring (training) or greedy (testing, eq. 17). */
  act(obs: Float32Array, explore: boolean, rng: Rng): number;
  /** One gradient step on a minibatch of n-step transitions. */
  learn(batch: Batch, rng: Rng): LearnStats;
  /** Refreshes the plain-JS copy of the weights that `act` uses (after learning). */
  sync(): void;
  /** The networks `act` needs, by name. */
  weights(): Record<string, MlpWeights>;
  dispose(): void;
}

/**
 * The n-step target discount: transitions are stored with R = Σ_{k<n} γ^k r_k and the state
 * n steps later, so the bootstrap term is γ^n (0 when the episode ended inside the window).
 */
export function bootstrapDiscount(config: AspTrainConfig): number {
  return config.gamma ** config.nStep;
}

/** A minibatch's states and n-step successor states as [n, features] tensors. */
export function batchStates(batch: Batch, nFeatures: number): { obs: tf.Tensor2D; next: tf.Tensor2D } {
  return {
    obs: tf.tensor2d(batch.obs, [batch.size, nFeatures]),
    next: tf.tensor2d(batch.nextObs, [batch.size, nFeatures]),
  };
}

/** The TD target y = R + γⁿ·(1 − done)·V(s_{+n}) of a minibatch. */
export function tdTarget(batch: Batch, nextValue: tf.Tensor, config: AspTrainConfig): tf.Tensor1D {
  const notDone = tf.sub(1, tf.tensor1d(batch.terminated));
  return tf.add<tf.Tensor1D>(
    tf.tensor1d(batch.rewards),
    tf.mul(bootstrapDiscount(config), tf.mul(notDone, nextValue)),
  );
}
