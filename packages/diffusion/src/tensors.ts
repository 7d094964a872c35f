import { TensorError } from './errors';

/** Throws a TensorError naming the tensor and the first non-finite element. */
export function assertFinite(x: Float32Array, what: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new TensorError(`${what}: element ${i} is ${x[i]} (NaN or Inf)`);
  }
}

export function assertLength(x: ArrayLike<number>, n: number, what: string, shape: string): void {
  if (x.length !== n) throw new TensorError(`${what}: shape ${shape} needs ${n} elements, got ${x.length}`);
}
