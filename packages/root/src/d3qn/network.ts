/**
 * The dueling Q-network (eq. 25): a ReLU trunk, then a state-value head V(x) and an
 * advantage head Λ(x, a), combined as Q(x, a) = V(x) + Λ(x, a) − mean_a' Λ(x, a').
 *
 * Weights live as plain Float32Arrays (`QNetworkWeights`), the form that is saved, loaded,
 * initialised from the seeded RNG and used by `forwardJs` — a dependency-free forward pass
 * for deciding one request at a time (no tensor overhead; same arithmetic as the tfjs
 * graph up to float rounding). Training uses the same weights as tfjs variables
 * (agent.ts).
 */
import type { Rng } from '../rng';

/** One dense layer: `w` is row-major [inputs, outputs], `b` is [outputs]. */
export interface DenseWeights {
  inputs: number;
  outputs: number;
  w: Float32Array;
  b: Float32Array;
}

export interface QNetworkWeights {
  hidden: DenseWeights[];
  value: DenseWeights;
  advantage: DenseWeights;
}

function dense(inputs: number, outputs: number, rng: Rng): DenseWeights {
  // PyTorch's nn.Linear default: U(−1/√fan_in, 1/√fan_in) for weights and biases.
  const bound = 1 / Math.sqrt(inputs);
  const w = new Float32Array(inputs * outputs);
  const b = new Float32Array(outputs);
  for (let i = 0; i < w.length; i++) w[i] = rng.range(-bound, bound);
  for (let i = 0; i < b.length; i++) b[i] = rng.range(-bound, bound);
  return { inputs, outputs, w, b };
}

/** Fresh weights for `nFeatures` inputs, the hidden widths, and `nActions` outputs. */
export function initQNetwork(
  nFeatures: number,
  hiddenUnits: readonly number[],
  nActions: number,
  rng: Rng,
): QNetworkWeights {
  const hidden: DenseWeights[] = [];
  let width = nFeatures;
  for (const units of hiddenUnits) {
    hidden.push(dense(width, units, rng));
    width = units;
  }
  return { hidden, value: dense(width, 1, rng), advantage: dense(width, nActions, rng) };
}

/** Every array of the network, in a fixed order (hidden layers, value head, advantage head). */
export function weightArrays(n: QNetworkWeights): Float32Array[] {
  return [...n.hidden.flatMap((l) => [l.w, l.b]), n.value.w, n.value.b, n.advantage.w, n.advantage.b];
}

export function layerList(n: QNetworkWeights): DenseWeights[] {
  return [...n.hidden, n.value, n.advantage];
}

export function cloneQNetwork(n: QNetworkWeights): QNetworkWeights {
  const copy = (l: DenseWeights): DenseWeights => ({ ...l, w: l.w.slice(), b: l.b.slice() });
  return { hidden: n.hidden.map(copy), value: copy(n.value), advantage: copy(n.advantage) };
}

function denseForward(l: DenseWeights, x: Float32Array, out: Float32Array, relu: boolean): void {
  out.set(l.b);
  for (let i = 0; i < l.inputs; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const row = i * l.outputs;
    for (let j = 0; j < l.outputs; j++) out[j]! += xi * l.w[row + j]!;
  }
  if (relu) for (let j = 0; j < l.outputs; j++) if (out[j]! < 0) out[j] = 0;
}

/**
 * A forward pass for one state with preallocated activations (no garbage per call, so
 * decisions do not trigger collector pauses). The returned array is reused by the next call.
 */
export function createForward(n: QNetworkWeights): (x: Float32Array) => Float32Array {
  const hidden = n.hidden.map((l) => new Float32Array(l.outputs));
  const v = new Float32Array(1);
  const a = new Float32Array(n.advantage.outputs);
  const q = new Float32Array(n.advantage.outputs);
  return (x: Float32Array): Float32Array => {
    let h = x;
    n.hidden.forEach((l, i) => {
      denseForward(l, h, hidden[i]!, true);
      h = hidden[i]!;
    });
    denseForward(n.value, h, v, false);
    denseForward(n.advantage, h, a, false);
    let mean = 0;
    for (let k = 0; k < a.length; k++) mean += a[k]!;
    mean /= a.length;
    for (let k = 0; k < a.length; k++) q[k] = v[0]! + a[k]! - mean;
    return q;
  };
}

/** Q(x, ·) for one state, in plain JavaScript (a fresh array). */
export function forwardJs(n: QNetworkWeights, x: Float32Array): Float32Array {
  return createForward(n)(x).slice();
}

/** Index of the largest value (the first one among ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
