/**
 * One step of a condition process from a known value, for sampling futures that continue
 * the present (a lookahead policy's sampled futures; env.ts `fork({ futureSeed })`). The
 * recursion is the one of ../sim/process.ts, whose processes keep their value to themselves.
 */
import type { Rng } from '../rng';
import type { ScalarProcessSpec } from '../sim/process';

export function continueProcess(spec: ScalarProcessSpec, x: number, rng: Rng): number {
  switch (spec.kind) {
    case 'constant':
      return spec.value;
    case 'uniform':
      return rng.range(spec.min, spec.max);
    case 'gauss-markov': {
      const innovation = spec.std * Math.sqrt(1 - spec.rho * spec.rho);
      const next = spec.mean + spec.rho * (x - spec.mean) + innovation * rng.normal();
      return Math.min(spec.max, Math.max(spec.min, next));
    }
  }
}
