/**
 * Scalar random processes that drive the simulator's conditions from request to request:
 * the link SNR, the edge's compute share (PACR), the device capability, the bandwidth and
 * the latency requirement. Each is one of:
 *
 * - `constant`: always `value` (sweeps in evaluation pin one condition this way);
 * - `uniform`: i.i.d. U[min, max) per request;
 * - `gauss-markov`: x_{k+1} = clamp(μ + ρ(x_k − μ) + σ√(1 − ρ²)·w_k, min, max), w_k ~ N(0, 1),
 *   the same recursion as the protocol's SNR process; x_0 ~ U[min, max] at episode start so
 *   that training sees the whole range.
 */
import type { Rng } from '../rng';

export type ScalarProcessSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'gauss-markov'; mean: number; std: number; rho: number; min: number; max: number };

export interface ScalarProcess {
  /** Starts a new episode and returns its first value. */
  reset(rng: Rng): number;
  /** The next request's value. */
  next(rng: Rng): number;
}

/** Smallest and largest value a process can take. */
export function processRange(spec: ScalarProcessSpec): [number, number] {
  return spec.kind === 'constant' ? [spec.value, spec.value] : [spec.min, spec.max];
}

export function checkProcess(spec: ScalarProcessSpec, what: string): void {
  const finite = (k: string, v: number): void => {
    if (!Number.isFinite(v)) throw new TypeError(`${what}.${k} must be a finite number, got ${v}`);
  };
  switch (spec.kind) {
    case 'constant':
      finite('value', spec.value);
      return;
    case 'uniform':
      finite('min', spec.min);
      finite('max', spec.max);
      if (spec.min > spec.max) throw new TypeError(`${what}.min must be <= ${what}.max`);
      return;
    case 'gauss-markov':
      for (const k of ['mean', 'std', 'rho', 'min', 'max'] as const) finite(k, spec[k]);
      if (spec.min > spec.max) throw new TypeError(`${what}.min must be <= ${what}.max`);
      if (spec.std < 0) throw new TypeError(`${what}.std must be >= 0`);
      if (!(spec.rho >= 0 && spec.rho < 1)) throw new TypeError(`${what}.rho must be in [0, 1)`);
      return;
    default:
      throw new TypeError(`${what}.kind must be constant, uniform or gauss-markov`);
  }
}

export function createProcess(spec: ScalarProcessSpec): ScalarProcess {
  switch (spec.kind) {
    case 'constant':
      return { reset: () => spec.value, next: () => spec.value };
    case 'uniform':
      return { reset: (rng) => rng.range(spec.min, spec.max), next: (rng) => rng.range(spec.min, spec.max) };
    case 'gauss-markov': {
      const { mean, std, rho, min, max } = spec;
      const innovation = std * Math.sqrt(1 - rho * rho);
      let x = mean;
      return {
        reset: (rng) => (x = rng.range(min, max)),
        next: (rng) =>
          (x = Math.min(max, Math.max(min, mean + rho * (x - mean) + innovation * rng.normal()))),
      };
    }
  }
}
