/**
 * Fully connected networks, kept twice: as plain Float32Arrays (`MlpWeights`: saved,
 * loaded, initialised from the seeded RNG, and run by `createMlpForward` for one decision
 * at a time without tensor overhead) and as tfjs variables (`TfMlp`, for training).
 * Activations are Mish (the papers' Table I and the code's nn.Mish), tanh or none.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DenseWeights, Rng } from '@semaigc/root';

export type Activation = 'mish' | 'tanh' | 'linear';

export interface MlpWeights {
  layers: DenseWeights[];
  activations: Activation[];
}

/** PyTorch's nn.Linear default initialisation, U(−1/√fan_in, 1/√fan_in), as the code uses. */
function initDense(inputs: number, outputs: number, rng: Rng): DenseWeights {
  const bound = 1 / Math.sqrt(inputs);
  const w = new Float32Array(inputs * outputs);
  const b = new Float32Array(outputs);
  for (let i = 0; i < w.length; i++) w[i] = rng.range(-bound, bound);
  for (let i = 0; i < b.length; i++) b[i] = rng.range(-bound, bound);
  return { inputs, outputs, w, b };
}

/** Widths [in, h1, …, out]; `activations` has one entry per layer. */
export function initMlp(widths: readonly number[], activations: readonly Activation[], rng: Rng): MlpWeights {
  if (widths.length < 2 || activations.length !== widths.length - 1) {
    throw new TypeError(
      `initMlp: ${widths.length} widths need ${widths.length - 1} activations, got ${activations.length}`,
    );
  }
  return {
    layers: widths.slice(1).map((w, i) => initDense(widths[i]!, w, rng)),
    activations: [...activations],
  };
}

export function cloneMlp(m: MlpWeights): MlpWeights {
  return {
    layers: m.layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice() })),
    activations: [...m.activations],
  };
}

const softplus = (x: number): number => (x > 20 ? x : Math.log1p(Math.exp(x)));

function activateJs(a: Activation, v: Float32Array): void {
  if (a === 'linear') return;
  for (let j = 0; j < v.length; j++) {
    const x = v[j]!;
    v[j] = a === 'tanh' ? Math.tanh(x) : x * Math.tanh(softplus(x));
  }
}

/** A forward pass for one input with preallocated activations; the result is reused by the next call. */
export function createMlpForward(m: MlpWeights): (x: Float32Array) => Float32Array {
  const outs = m.layers.map((l) => new Float32Array(l.outputs));
  return (x: Float32Array): Float32Array => {
    let h = x;
    m.layers.forEach((l, k) => {
      const out = outs[k]!;
      out.set(l.b);
      for (let i = 0; i < l.inputs; i++) {
        const xi = h[i]!;
        if (xi === 0) continue;
        const row = i * l.outputs;
        for (let j = 0; j < l.outputs; j++) out[j]! += xi * l.w[row + j]!;
      }
      activateJs(m.activations[k]!, out);
      h = out;
    });
    return h;
  };
}

export interface TfMlp {
  layers: { w: tf.Variable; b: tf.Variable }[];
  activations: Activation[];
}

export function toTfMlp(m: MlpWeights, trainable: boolean): TfMlp {
  return {
    layers: m.layers.map((l) => ({
      w: tf.variable(tf.tensor2d(l.w, [l.inputs, l.outputs]), trainable),
      b: tf.variable(tf.tensor1d(l.b), trainable),
    })),
    activations: [...m.activations],
  };
}

export function mish(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.tanh(tf.softplus(x)));
}

/** [n, in] → [n, out]. */
export function mlpForward(m: TfMlp, x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  m.layers.forEach((l, k) => {
    const z = tf.add<tf.Tensor2D>(tf.matMul(h, l.w), l.b);
    const a = m.activations[k]!;
    h = a === 'mish' ? (mish(z) as tf.Tensor2D) : a === 'tanh' ? tf.tanh(z) : z;
  });
  return h;
}

export function mlpVariables(m: TfMlp): tf.Variable[] {
  return m.layers.flatMap((l) => [l.w, l.b]);
}

export function readMlp(m: TfMlp): MlpWeights {
  return {
    layers: m.layers.map((l) => {
      const [inputs, outputs] = l.w.shape as [number, number];
      return { inputs, outputs, w: l.w.dataSync() as Float32Array, b: l.b.dataSync() as Float32Array };
    }),
    activations: [...m.activations],
  };
}

/** θ̄ ← τθ + (1 − τ)θ̄ over matching variable lists (τ = 1: copy). */
export function softUpdate(
  target: readonly tf.Variable[],
  online: readonly tf.Variable[],
  tau: number,
): void {
  tf.tidy(() => {
    target.forEach((t, i) =>
      t.assign(tau === 1 ? online[i]! : tf.add(tf.mul(tau, online[i]!), tf.mul(1 - tau, t))),
    );
  });
}

/**
 * (λ/2)·Σθ²: its gradient λθ is what PyTorch's Adam(weight_decay=λ) adds, the code's
 * regulariser (D2SAC Table II: λ = 1e-4).
 */
export function l2Penalty(vars: readonly tf.Variable[], weightDecay: number): tf.Scalar {
  if (weightDecay === 0) return tf.scalar(0);
  return tf.mul<tf.Scalar>(weightDecay / 2, tf.addN(vars.map((v) => tf.sum(tf.square(v)))));
}

export function disposeMlp(m: TfMlp): void {
  for (const v of mlpVariables(m)) v.dispose();
}

/** Samples an index from probabilities (any non-negative weights). */
export function sampleIndex(probs: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < probs.length; i++) total += probs[i]!;
  let u = rng.uniform() * total;
  for (let i = 0; i < probs.length; i++) {
    u -= probs[i]!;
    if (u < 0) return i;
  }
  return probs.length - 1;
}

/** Softmax of logits into a fresh array. */
export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const p = new Float32Array(logits.length);
  let s = 0;
  for (let i = 0; i < logits.length; i++) s += p[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < p.length; i++) p[i]! /= s;
  return p;
}
