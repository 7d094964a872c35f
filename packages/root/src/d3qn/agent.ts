/**
 * The D3QN agent of ROOT (SemAIGC paper, section IV-C), readable top to bottom:
 *
 *  1. two copies of the dueling Q-network (network.ts): the online one θ, trained, and the
 *     target one θ̄, which lags behind it;
 *  2. acting: ε-greedy on the online network (plain-JS forward pass);
 *  3. learning, one minibatch at a time (eq. 26–27 with double-DQN and terminal masking):
 *       a* = argmax_a Q(x', a; θ)                       the online net picks …
 *       y  = r + γ·(1 − terminated)·Q(x', a*; θ̄)        … the target net evaluates
 *       θ ← Adam step on mean (y − Q(x, a; θ))²         (or Huber)
 *  4. target update θ̄ ← τθ + (1 − τ)θ̄ (τ = 1: hard copy).
 *
 * Tensors come from @tensorflow/tfjs-core on whichever backend was initialised
 * (tf-setup.ts); nothing here touches Node, so the agent also runs in a browser.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng';
import { resolveD3qnConfig, type D3qnConfig } from './config';
import {
  argmax,
  cloneQNetwork,
  createForward,
  initQNetwork,
  layerList,
  type DenseWeights,
  type QNetworkWeights,
} from './network';
import type { Batch } from './replay-buffer';

interface TfDense {
  w: tf.Variable;
  b: tf.Variable;
}

interface TfNetwork {
  hidden: TfDense[];
  value: TfDense;
  advantage: TfDense;
}

function toVariables(n: QNetworkWeights, trainable: boolean): TfNetwork {
  const v = (l: DenseWeights): TfDense => ({
    w: tf.variable(tf.tensor2d(l.w, [l.inputs, l.outputs]), trainable),
    b: tf.variable(tf.tensor1d(l.b), trainable),
  });
  return { hidden: n.hidden.map(v), value: v(n.value), advantage: v(n.advantage) };
}

function variableList(n: TfNetwork): tf.Variable[] {
  return [...n.hidden, n.value, n.advantage].flatMap((l) => [l.w, l.b]);
}

/** Q(x, ·) for a batch [n, features] → [n, actions] (eq. 25). */
function qForward(n: TfNetwork, x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (const l of n.hidden) h = tf.relu(tf.add<tf.Tensor2D>(tf.matMul(h, l.w as tf.Tensor2D), l.b));
  const v = tf.add<tf.Tensor2D>(tf.matMul(h, n.value.w), n.value.b);
  const a = tf.add<tf.Tensor2D>(tf.matMul(h, n.advantage.w), n.advantage.b);
  return tf.add<tf.Tensor2D>(v, tf.sub(a, tf.mean(a, 1, true)));
}

export class D3qnAgent {
  readonly config: D3qnConfig;
  private readonly online: TfNetwork;
  private readonly target: TfNetwork;
  private readonly optimizer: tf.Optimizer;
  /** Plain-JS copy of the online weights, refreshed after every gradient step, for acting. */
  private snapshot: QNetworkWeights;
  private forward: (x: Float32Array) => Float32Array;
  private disposed = false;

  /**
   * A new agent; weights from `init` (a checkpoint) or freshly drawn from `rng`.
   * Requires an initialised tfjs backend (see `initTensorflow`).
   */
  constructor(
    readonly nFeatures: number,
    readonly nActions: number,
    config: Partial<D3qnConfig>,
    init: QNetworkWeights | Rng,
  ) {
    if (!Number.isInteger(nFeatures) || nFeatures < 1)
      throw new TypeError('D3qnAgent: nFeatures must be an integer >= 1');
    if (!Number.isInteger(nActions) || nActions < 1)
      throw new TypeError('D3qnAgent: nActions must be an integer >= 1');
    this.config = resolveD3qnConfig(config);
    const weights =
      'hidden' in init
        ? cloneQNetwork(init)
        : initQNetwork(nFeatures, this.config.hiddenUnits, nActions, init);
    checkShapes(weights, nFeatures, this.config.hiddenUnits, nActions);
    this.snapshot = weights;
    this.forward = createForward(weights);
    this.online = toVariables(weights, true);
    this.target = toVariables(weights, false);
    this.optimizer = tf.train.adam(this.config.learningRate);
  }

  /** Q(x, ·) of the online network for one state. */
  qValues(obs: Float32Array): Float32Array {
    return this.forward(obs).slice();
  }

  /** argmax_a Q(x, a). */
  greedyAction(obs: Float32Array): number {
    return argmax(this.forward(obs));
  }

  /** ε-greedy: a random action with probability ε, the greedy one otherwise. */
  act(obs: Float32Array, epsilon: number, rng: Rng): number {
    return rng.uniform() < epsilon ? rng.int(this.nActions) : this.greedyAction(obs);
  }

  /** One gradient step on a minibatch; returns the loss before the step. */
  learn(batch: Batch): number {
    this.assertLive();
    const { gamma } = this.config;
    const f = this.nFeatures;
    const loss = tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs, [batch.size, f]);
      const nextObs = tf.tensor2d(batch.nextObs, [batch.size, f]);
      const actionMask = tf.oneHot(tf.tensor1d(batch.actions, 'int32'), this.nActions);
      const rewards = tf.tensor1d(batch.rewards);
      const notDone = tf.sub(1, tf.tensor1d(batch.terminated));
      // Double DQN: the online network chooses a*, the target network values it.
      const bestNext = tf.argMax(qForward(this.online, nextObs), 1);
      const nextValue = tf.sum(tf.mul(qForward(this.target, nextObs), tf.oneHot(bestNext, this.nActions)), 1);
      const y = tf.add(rewards, tf.mul(gamma, tf.mul(notDone, nextValue)));
      const cost = this.optimizer.minimize(
        () => {
          const q = tf.sum(tf.mul(qForward(this.online, obs), actionMask), 1);
          return this.config.loss === 'huber' ? tf.losses.huberLoss(y, q) : tf.losses.meanSquaredError(y, q);
        },
        true,
        variableList(this.online),
      );
      return cost!.dataSync()[0]!;
    });
    this.snapshot = readWeights(this.online);
    this.forward = createForward(this.snapshot);
    return loss;
  }

  /** θ̄ ← τθ + (1 − τ)θ̄. */
  updateTarget(tau = this.config.tau): void {
    this.assertLive();
    const src = variableList(this.online);
    const dst = variableList(this.target);
    tf.tidy(() => {
      dst.forEach((t, i) => t.assign(tau === 1 ? src[i]! : tf.add(tf.mul(tau, src[i]!), tf.mul(1 - tau, t))));
    });
  }

  /** A copy of the online network's weights. */
  weights(): QNetworkWeights {
    return cloneQNetwork(this.snapshot);
  }

  /** Frees the tensors (variables and Adam moments). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of [...variableList(this.online), ...variableList(this.target)]) v.dispose();
    this.optimizer.dispose();
  }

  private assertLive(): void {
    if (this.disposed) throw new TypeError('D3qnAgent: used after dispose()');
  }
}

function readWeights(n: TfNetwork): QNetworkWeights {
  const read = (l: TfDense): DenseWeights => {
    const [inputs, outputs] = l.w.shape as [number, number];
    return { inputs, outputs, w: l.w.dataSync() as Float32Array, b: l.b.dataSync() as Float32Array };
  };
  return { hidden: n.hidden.map(read), value: read(n.value), advantage: read(n.advantage) };
}

/** Throws TypeError unless the weights have the expected layer sizes. */
export function checkShapes(
  n: QNetworkWeights,
  nFeatures: number,
  hiddenUnits: readonly number[],
  nActions: number,
): void {
  const want = [...hiddenUnits, 1, nActions];
  const layers = layerList(n);
  if (layers.length !== want.length) {
    throw new TypeError(`Q-network: ${layers.length} layers, expected ${want.length}`);
  }
  let inputs = nFeatures;
  layers.forEach((l, i) => {
    const outputs = want[i]!;
    const isHead = i >= hiddenUnits.length;
    const expectIn = isHead ? (hiddenUnits[hiddenUnits.length - 1] ?? nFeatures) : inputs;
    if (
      l.inputs !== expectIn ||
      l.outputs !== outputs ||
      l.w.length !== expectIn * outputs ||
      l.b.length !== outputs
    ) {
      throw new TypeError(`Q-network layer ${i}: ${l.inputs}x${l.outputs}, expected ${expectIn}x${outputs}`);
    }
    if (!isHead) inputs = outputs;
  });
}
