/**
 * Latency statistics as every report in the testbed quotes them: n, mean, standard
 * deviation, and quantiles. Quantiles interpolate linearly between order statistics
 * (Hyndman–Fan type 7, the default of numpy and R), so p50 of [1, 2] is 1.5.
 */

export interface LatencyStats {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator; 0 when n = 1). */
  std: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Quantile `p` ∈ [0, 1] of an ascending-sorted sample (type 7, linear interpolation). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new TypeError('quantileSorted: empty sample');
  if (!(p >= 0 && p <= 1)) throw new TypeError(`quantileSorted: p must be in [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (h - lo) * (b - a);
}

/** Quantile `p` of an unsorted sample. */
export function quantile(samples: ArrayLike<number>, p: number): number {
  return quantileSorted(Float64Array.from(samples).sort(), p);
}

/** Summary of latency samples (seconds or milliseconds, whatever the input is in). */
export function latencyStats(samples: ArrayLike<number>): LatencyStats {
  const n = samples.length;
  if (n === 0) throw new TypeError('latencyStats: empty sample');
  const s = Float64Array.from(samples);
  for (const v of s) {
    if (Number.isNaN(v)) throw new TypeError('latencyStats: sample contains NaN');
  }
  s.sort();
  let sum = 0;
  for (const v of s) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of s) ss += (v - mean) ** 2;
  return {
    n,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    min: s[0]!,
    p50: quantileSorted(s, 0.5),
    p90: quantileSorted(s, 0.9),
    p95: quantileSorted(s, 0.95),
    p99: quantileSorted(s, 0.99),
    max: s[n - 1]!,
  };
}

/** Arithmetic mean; NaN-free input required. */
export function mean(samples: ArrayLike<number>): number {
  if (samples.length === 0) throw new TypeError('mean: empty sample');
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]!;
  return sum / samples.length;
}
