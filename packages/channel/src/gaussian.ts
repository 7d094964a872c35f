/**
 * Standard normal draws by the ziggurat method (Marsaglia & Tsang, 2000) with 256 layers.
 * One 32-bit draw gives both the layer (low 8 bits) and a signed 24-bit abscissa (high
 * bits), so layer and value are independent bits (the defect Doornik (2005) found in the
 * original, which reused the same bits). ~99% of draws cost one generator step, a multiply
 * and a compare; the rest go to the wedge test or Marsaglia's tail sampler.
 *
 * Reproducibility: the tables are decimal literals (ziggurat-tables.ts) and the fast path is
 * plain IEEE arithmetic, so ~99% of draws are bit-identical in every engine. The rare wedge
 * test (Math.exp) and tail (Math.log) may differ in the last bit where engines' Math
 * functions do (different V8 versions included); a float32 output rarely shows it.
 */
import type { Xoshiro128 } from './rng';
import { ZIGGURAT_F, ZIGGURAT_X } from './ziggurat-tables';

// Local aliases: `Math.x` in a hot loop is a slow global lookup under a vm context (jest).
const { exp, imul, log } = Math;

const LAYERS = 256;
/** Start of the tail (x[1]). */
const R = ZIGGURAT_X[1]!;
/** Signed abscissa resolution: 24 bits from the top of the draw. */
const HALF_RANGE = 8388608; // 2^23

/** Layer widths x[i] scaled for the signed integer abscissa (division by 2^23 is exact). */
const W = new Float64Array(LAYERS);
/**
 * Accept-without-density-check bound on the integer abscissa m ∈ [−2^23, 2^23): with
 * t = m ^ (m >> 31) (m, or −m−1 for negative m), |m + 0.5| < x[i+1]/x[i]·2^23 ⇔ t < KI[i].
 * Integer compares keep the fast path in small-integer arithmetic.
 */
const KI = new Int32Array(LAYERS);
/** f(x[i]) for the wedge test. */
const F = Float64Array.from(ZIGGURAT_F);

for (let i = 0; i < LAYERS; i++) {
  const x = ZIGGURAT_X[i]!;
  W[i] = x / HALF_RANGE;
  KI[i] = Math.ceil((ZIGGURAT_X[i + 1]! / x) * HALF_RANGE - 0.5);
}

/** Marsaglia's exact sampler for |x| > R, with the sign of `m`. */
function tail(rng: Xoshiro128, m: number): number {
  let a: number;
  let b: number;
  do {
    a = -log(rng.nextFloatOpen()) / R;
    b = -log(rng.nextFloatOpen());
  } while (b + b < a * a);
  return m < 0 ? -(R + a) : R + a;
}

/** The slow path after a fast-path rejection of draw (i, m); returns NaN to ask for a redraw. */
function slow(rng: Xoshiro128, i: number, m: number): number {
  if (i === 0) return tail(rng, m);
  const x = (m + 0.5) * W[i]!;
  const y = F[i]! + rng.nextFloat() * (F[i + 1]! - F[i]!);
  return y < exp(-0.5 * x * x) ? x : NaN;
}

/** One N(0, 1) draw. */
export function gaussian(rng: Xoshiro128): number {
  for (;;) {
    const u = rng.nextInt32();
    const i = u & 255;
    const m = u >> 8; // the value is m + 0.5: symmetric, ±(0.5 … 2^23 − 0.5)
    if ((m ^ (m >> 31)) < KI[i]!) return (m + 0.5) * W[i]!;
    const x = slow(rng, i, m);
    if (x === x) return x; // not NaN
  }
}

/** Fills `out[0..n)` with `scale`·N(0, 1) draws. */
export function fillGaussian(rng: Xoshiro128, out: Float32Array | Float64Array, scale = 1): void {
  for (let j = 0; j < out.length; j++) out[j] = scale * gaussian(rng);
}

/**
 * dst[j] = (src[j]·inScale + sigma·N(0, 1))·outScale for every j: the AWGN hot loop (the
 * scales normalise to unit power and back). The generator step is inlined with its state in
 * locals (written back at the end); the draws are those of calling `gaussian(rng)` in order.
 */
export function addGaussianNoise(
  rng: Xoshiro128,
  src: Float32Array,
  dst: Float32Array,
  sigma: number,
  inScale = 1,
  outScale = 1,
): void {
  let s0 = rng.s0;
  let s1 = rng.s1;
  let s2 = rng.s2;
  let s3 = rng.s3;
  const n = src.length;
  for (let j = 0; j < n; j++) {
    let g: number;
    for (;;) {
      // xoshiro128** step, as Xoshiro128.nextInt32
      const u = imul(rotl(imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const i = u & 255;
      const m = u >> 8;
      if ((m ^ (m >> 31)) < KI[i]!) {
        g = (m + 0.5) * W[i]!;
        break;
      }
      rng.s0 = s0;
      rng.s1 = s1;
      rng.s2 = s2;
      rng.s3 = s3;
      const x = slow(rng, i, m);
      s0 = rng.s0;
      s1 = rng.s1;
      s2 = rng.s2;
      s3 = rng.s3;
      if (x === x) {
        g = x;
        break;
      }
    }
    dst[j] = (src[j]! * inScale + sigma * g) * outScale;
  }
  rng.s0 = s0;
  rng.s1 = s1;
  rng.s2 = s2;
  rng.s3 = s3;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
