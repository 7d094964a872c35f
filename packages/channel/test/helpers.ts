/** Statistics shared by the tests: exact binomial intervals, moments, correlation, inputs. */
import { gaussian, rngFor } from '../src';

/**
 * The central `level` interval [lo, hi] of Binomial(n, p): P(X < lo) ≤ (1−level)/2 and
 * P(X > hi) ≤ (1−level)/2, from the exact pmf summed in log space.
 */
export function binomialInterval(n: number, p: number, level = 0.99): [number, number] {
  const tail = (1 - level) / 2;
  if (p <= 0) return [0, 0];
  if (p >= 1) return [n, n];
  const logRatio = Math.log(p / (1 - p));
  let logPmf = n * Math.log1p(-p);
  let cdf = 0;
  let lo = -1;
  for (let k = 0; k <= n; k++) {
    cdf += Math.exp(logPmf);
    if (lo < 0 && cdf > tail) lo = k;
    if (cdf >= 1 - tail) return [lo, k];
    logPmf += Math.log((n - k) / (k + 1)) + logRatio;
  }
  return [Math.max(lo, 0), n];
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

export function moments(x: ArrayLike<number>): {
  mean: number;
  variance: number;
  skew: number;
  kurtosis: number;
} {
  const m = mean(x);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= x.length;
  m3 /= x.length;
  m4 /= x.length;
  return { mean: m, variance: m2, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** A latent-like tensor: channel c has standard deviation stds[c]. */
export function latent(stds: number[], perChannel: number, seed = 7): Float32Array {
  const rng = rngFor(seed, 'test-input');
  const x = new Float32Array(stds.length * perChannel);
  for (let c = 0; c < stds.length; c++) {
    for (let i = 0; i < perChannel; i++) x[c * perChannel + i] = stds[c]! * gaussian(rng) + 0.1 * stds[c]!;
  }
  return x;
}

/** Random bits from their own stream. */
export function randomBits(n: number, seed: number): Uint8Array {
  const rng = rngFor(seed, 'test-bits');
  const bits = new Uint8Array(n);
  for (let i = 0; i < n; i += 32) {
    const u = rng.nextUint32();
    for (let k = 0; k < 32 && i + k < n; k++) bits[i + k] = (u >>> k) & 1;
  }
  return bits;
}

export function countDiff(a: Uint8Array, b: Uint8Array): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e += a[i]! ^ b[i]!;
  return e;
}
