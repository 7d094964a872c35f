/**
 * Statistics of the split ablation: medians and means with cluster-bootstrap 95% intervals.
 * The two seeds of a caption are not independent draws (same caption, same text states), so
 * the bootstrap resamples captions, each with all of its samples, not samples.
 */
import { rngFor } from '@semaigc/channel';

export const BOOTSTRAP_RESAMPLES = 1000;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function meanOf(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export interface Interval {
  value: number;
  lo: number;
  hi: number;
}

/**
 * `stat` over sample indices 0…n−1, with a 95% percentile interval from resampling clusters
 * (caption ids) with replacement. A statistic of several paired series (a difference of
 * medians) resamples them together. Seeded: a rerun gives the same interval.
 */
export function bootstrap(
  clusters: readonly number[],
  stat: (indices: readonly number[]) => number,
  seed: number,
  resamples = BOOTSTRAP_RESAMPLES,
): Interval {
  const groups = new Map<number, number[]>();
  clusters.forEach((c, i) => {
    const g = groups.get(c) ?? [];
    g.push(i);
    groups.set(c, g);
  });
  const members = [...groups.values()];
  const rng = rngFor(seed, 'bootstrap');
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const idx: number[] = [];
    for (let k = 0; k < members.length; k++)
      idx.push(...members[Math.floor(rng.nextFloat() * members.length)]!);
    stats.push(stat(idx));
  }
  stats.sort((a, b) => a - b);
  const q = (p: number): number => stats[Math.round(p * (stats.length - 1))]!;
  return { value: stat(clusters.map((_, i) => i)), lo: q(0.025), hi: q(0.975) };
}

/** Values of `xs` at `idx`. */
export function pick(xs: readonly number[], idx: readonly number[]): number[] {
  return idx.map((i) => xs[i]!);
}
