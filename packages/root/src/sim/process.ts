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
import { z } from 'zod';
import type { Rng } from '../rng';
import { wanted } from '../validate';

const finite = z.number(wanted('a finite number'));

/** A process spec; its checks name the field relative to the spec (`min`, `rho`, …). */
export const scalarProcessSchema = z
  .discriminatedUnion(
    'kind',
    [
      z.object({ kind: z.literal('constant'), value: finite }),
      z.object({ kind: z.literal('uniform'), min: finite, max: finite }),
      z.object({
        kind: z.literal('gauss-markov'),
        mean: finite,
        std: finite.min(0, wanted('>= 0')),
        rho: finite.min(0, wanted('in [0, 1)')).lt(1, wanted('in [0, 1)')),
        min: finite,
        max: finite,
      }),
    ],
    wanted("a process of kind 'constant', 'uniform' or 'gauss-markov'"),
  )
  .refine((s) => s.kind === 'constant' || s.min <= s.max, { error: 'must be <= max', path: ['min'] });

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
