/** Mean and 95% confidence interval over replicates (Student's t, two-sided). */
import { meanInterval95 } from '@semaigc/metrics';

export interface Interval {
  mean: number;
  /** Half-width of the 95% interval (NaN with one value). */
  half: number;
  n: number;
}

export function interval95(values: readonly number[]): Interval {
  if (values.length === 0) return { mean: NaN, half: NaN, n: 0 };
  return meanInterval95(values);
}

/** The p-th percentile (0–100) by linear interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = ((s.length - 1) * p) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
