/**
 * The complementary error function and the Gaussian tail Q(x), for the closed-form BER
 * curves. Two expansions that need no fitted coefficients:
 *  - |x| < 2: erfc = 1 − erf, with erf(x) = (2/√π)·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3···(2n+1)), a
 *    series of positive terms (no cancellation; the subtraction loses at most 2.4 digits
 *    because erfc(2) ≈ 4.7e-3);
 *  - x ≥ 2: the continued fraction erfc(x) = (e^{−x²}/√π)·1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
 *    evaluated by the modified Lentz method.
 * Relative error stays below 1e-13 against C's erfc (see test/special.test.ts).
 */

const SQRT_PI = Math.sqrt(Math.PI);
const SWITCH = 2;
const EPS = 1e-16;
const TINY = 1e-300;
const MAX_TERMS = 500;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * EPS) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

function erfcContinuedFraction(x: number): number {
  // f = x + a1/(x + a2/(x + …)) with a_k = k/2 (modified Lentz).
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < MAX_TERMS; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < TINY ? TINY : d;
    c = x + a / c;
    c = Math.abs(c) < TINY ? TINY : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** erfc(x) = 1 − erf(x) = (2/√π)∫ₓ^∞ e^{−t²} dt. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < SWITCH) return 1 - erfSeries(x);
  if (x > 27) return 0; // below the smallest double
  return erfcContinuedFraction(x);
}

/** Q(x) = P(N(0,1) > x) = erfc(x/√2)/2. */
export function qfunc(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/** Standard normal CDF Φ(x) = 1 − Q(x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
