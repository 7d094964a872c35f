/**
 * Arrival schedules, per receiver. `closed-loop`: the next request starts when the previous
 * one is finished (no schedule: the runner awaits each). `fixed`: request n at n·interval,
 * receivers staggered by interval/R so they do not fire together. `poisson`: exponential
 * inter-arrival times with rate λ from the stream (seed, "arrival/<j>"), so a trial with
 * the same seed sends at the same offsets.
 */
import { rngFor } from '@semaigc/channel';
import type { TrialConfig } from '../config/trial-config';

/** Offsets in ms from the trial start of each of `n` requests of receiver j (of R). */
export function arrivalOffsetsMs(
  arrival: TrialConfig['arrival'],
  seed: number,
  receiverIndex: number,
  receivers: number,
  n: number,
): number[] | null {
  switch (arrival.kind) {
    case 'closed-loop':
      return null;
    case 'fixed': {
      const stagger = (arrival.intervalMs * receiverIndex) / Math.max(1, receivers);
      return Array.from({ length: n }, (_, i) => stagger + i * arrival.intervalMs);
    }
    case 'poisson': {
      const rng = rngFor(seed, `arrival/${receiverIndex}`);
      const out: number[] = [];
      let t = 0;
      for (let i = 0; i < n; i++) {
        // Inverse CDF of Exp(λ); u ∈ (0, 1) keeps the log finite.
        t += (-Math.log(rng.nextFloatOpen()) / arrival.ratePerS) * 1000;
        out.push(t);
      }
      return out;
    }
  }
}
