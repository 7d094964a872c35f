/**
 * Student-t 95% interval of a mean (two-sided), the interval every report in this repository
 * puts on a mean over seeds, trials or replicates.
 */

/** t_{0.975, df} for df = 1 … 30 (standard tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

const Z975 = 1.959963984540054;

/**
 * The 97.5% quantile of Student's t with `df` degrees of freedom: the table up to 30, then the
 * Cornish–Fisher expansion around the normal quantile (within 1e-3 of the exact value at
 * df = 30 and closer beyond), so large samples are neither clamped to df = 30 nor to 1.96.
 */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new TypeError(`t975: df must be an integer ≥ 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1]!;
  const z = Z975;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

export interface MeanInterval {
  n: number;
  mean: number;
  /** Half-width of the 95% interval; NaN with one value (no spread to estimate). */
  half: number;
}

/**
 * Mean of `xs` and the half-width of its Student-t 95% interval (sample standard deviation,
 * n − 1). A non-finite value makes mean and half non-finite, as it would a plain mean (reports
 * of ratios over replicates rely on that rather than on an exception).
 */
export function meanInterval95(xs: readonly number[]): MeanInterval {
  const n = xs.length;
  if (n === 0) throw new TypeError('meanInterval95: at least one value is required');
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, half: NaN };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, half: (t975(n - 1) * sd) / Math.sqrt(n) };
}
