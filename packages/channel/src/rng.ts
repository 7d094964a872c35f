/**
 * Seeded random numbers: xoshiro128** (Blackman & Vigna, 2018), a 32-bit generator with
 * 128 bits of state that JavaScript runs fast with `Math.imul`. One seed per request; each
 * purpose (noise, fading, …) gets its own stream derived from (seed, purpose), so changing
 * the fading model does not change the noise realisation and two policies given the same
 * seed see identical noise.
 */

/** Purposes with their own stream. Names, not positions, are hashed: adding one moves no other. */
export type StreamPurpose = 'noise' | 'fading' | 'pilot' | 'loss' | 'delay' | 'snr' | (string & {});

/** Largest seed accepted: seeds are non-negative safe integers. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Draws discarded after seeding. */
const WARM_UP = 8;
const TWO_POW_32 = 4294967296;
// Module-level aliases: under a vm context (jest) every `Math.x` in a hot loop is a slow
// global lookup; a local binding costs nothing anywhere.
const imul = Math.imul;
const INV_TWO_POW_32 = 1 / TWO_POW_32;

/** Throws a TypeError naming `field` unless `seed` is an integer in [0, 2^53). */
export function checkSeed(seed: unknown, field = 'seed'): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new TypeError(`${field} must be an integer in [0, 2^53), got ${String(seed)}`);
  }
  return seed;
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of a purpose name. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Xoshiro128 {
  // The state is public so that hot loops (gaussian.ts) can keep it in locals and write it back.
  s0: number;
  s1: number;
  s2: number;
  s3: number;

  /** Raw state; all-zero is the one forbidden state and is replaced by (1, 0, 0, 0). */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next output as a signed 32-bit integer (the same bits as `nextUint32`). */
  nextInt32(): number {
    const s1 = this.s1;
    const r = imul(rotl(imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r;
  }

  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform on [0, 1) with 32-bit resolution. */
  nextFloat(): number {
    return (this.nextInt32() >>> 0) * INV_TWO_POW_32;
  }

  /** Uniform on (0, 1): never 0, so safe under log(). */
  nextFloatOpen(): number {
    return ((this.nextInt32() >>> 0) + 0.5) * INV_TWO_POW_32;
  }

  /** A copy with the same state (it then runs independently). */
  clone(): Xoshiro128 {
    return new Xoshiro128(this.s0, this.s1, this.s2, this.s3);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The generator for (seed, purpose). (seed's low word, high word) map one-to-one onto the
 * first two state words for a given purpose (fmix32 is a bijection), so no two seeds share a
 * stream; the other two words and a short warm-up spread the bits.
 */
export function rngFor(seed: number, purpose: StreamPurpose): Xoshiro128 {
  checkSeed(seed);
  const ph = hashString(purpose);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  const a = fmix32(((lo + 0x9e3779b9) >>> 0) ^ ph);
  const b = fmix32(((hi + 0x7f4a7c15) >>> 0) ^ fmix32(ph));
  const c = fmix32(a ^ rotl(b, 16) ^ 0x13198a2e);
  const d = fmix32(b ^ rotl(a, 11) ^ 0x03707344);
  const rng = new Xoshiro128(a, b, c, d);
  for (let i = 0; i < WARM_UP; i++) rng.nextInt32();
  return rng;
}
