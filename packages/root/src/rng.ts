/**
 * Seeded pseudo-random numbers for the simulator and the agent (browser-safe, no deps).
 * sfc32 (Doty-Humphrey's Small Fast Counter, 128-bit state, passes PractRand) seeded
 * through splitmix32, so any 32-bit integer seed gives a well-mixed start. Normal draws use
 * Box–Muller. Streams are derived with `mixSeed`, so that, e.g., request i of an evaluation
 * gets the same random numbers whatever policy serves it (common random numbers).
 */

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** The raw 32-bit output. */
  nextUint32(): number;
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Hashes a list of integers (seed, stream id, index, …) into one 32-bit seed. */
export function mixSeed(...parts: number[]): number {
  let h = 0x243f6a88;
  for (const p of parts) {
    if (!Number.isInteger(p)) throw new TypeError(`mixSeed: parts must be integers, got ${p}`);
    h = splitmix32(h ^ (p >>> 0));
    // Integers above 2^32 keep their high part too.
    h = splitmix32(h ^ Math.floor(Math.abs(p) / 2 ** 32));
  }
  return h;
}

export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new TypeError(`createRng: seed must be an integer, got ${seed}`);
  let a = splitmix32(seed);
  let b = splitmix32(a);
  let c = splitmix32(b);
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | null = null;
  const uniform = (): number => next() / 4294967296;
  return {
    uniform,
    nextUint32: next,
    range: (lo, hi) => lo + (hi - lo) * uniform(),
    int: (n) => {
      if (!Number.isInteger(n) || n <= 0)
        throw new TypeError(`Rng.int: n must be a positive integer, got ${n}`);
      return Math.floor(uniform() * n);
    },
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      // 1 − u keeps the logarithm finite.
      const u = 1 - uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
