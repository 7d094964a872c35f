import {
  checkSeed,
  gaussian,
  normalCdf,
  qfunc,
  rngFor,
  Xoshiro128,
  addGaussianNoise,
  fillGaussian,
} from '../src';
import { ZIGGURAT_F, ZIGGURAT_X } from '../src/ziggurat-tables';
import { binomialInterval, correlation, moments } from './helpers';

describe('xoshiro128**', () => {
  test('matches the reference C implementation from state (1, 2, 3, 4)', () => {
    // Outputs of Blackman & Vigna's xoshiro128starstar.c next() with s = {1, 2, 3, 4}.
    const expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
    const rng = new Xoshiro128(1, 2, 3, 4);
    expect(expected.map(() => rng.nextUint32())).toEqual(expected);
  });

  test('uniform floats: mean 1/2, variance 1/12, never 1; open variant never 0', () => {
    const rng = rngFor(1, 'noise');
    const n = 1_000_000;
    const u = new Float64Array(n);
    let min = 1;
    for (let i = 0; i < n; i++) {
      u[i] = rng.nextFloat();
      min = Math.min(min, rng.nextFloatOpen());
    }
    const m = moments(u);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan((2e-3 / 12) * 5);
    expect(Math.max(...u.subarray(0, 1000))).toBeLessThan(1);
    expect(min).toBeGreaterThan(0);
  });

  test('same (seed, purpose) gives the same stream; purposes and seeds give different ones', () => {
    const draw = (seed: number, p: string): number[] => {
      const r = rngFor(seed, p);
      return Array.from({ length: 4 }, () => r.nextUint32());
    };
    expect(draw(5, 'noise')).toEqual(draw(5, 'noise'));
    expect(draw(5, 'noise')).not.toEqual(draw(5, 'fading'));
    expect(draw(5, 'noise')).not.toEqual(draw(6, 'noise'));
    // Seeds 2^32 apart differ only in the high word.
    expect(draw(5, 'noise')).not.toEqual(draw(5 + 2 ** 32, 'noise'));
  });

  test('streams of nearby seeds and of different purposes are uncorrelated', () => {
    const n = 100_000;
    const series = (seed: number, purpose: string): Float64Array => {
      const r = rngFor(seed, purpose);
      const x = new Float64Array(n);
      fillGaussian(r, x);
      return x;
    };
    // |r| of independent series is ~N(0, 1/n); 4.5σ keeps the family of 12 pairs far from chance failure.
    const bound = 4.5 / Math.sqrt(n);
    const pairs: [number, string, number, string][] = [
      [0, 'noise', 1, 'noise'],
      [1, 'noise', 2, 'noise'],
      [41, 'noise', 42, 'noise'],
      [42, 'noise', 42 + 2 ** 32, 'noise'],
      [2 ** 40, 'noise', 2 ** 40 + 1, 'noise'],
      [42, 'noise', 42, 'fading'],
      [42, 'noise', 42, 'pilot'],
      [42, 'noise', 42, 'loss'],
      [7, 'snr', 7, 'noise'],
      [123456789, 'noise', 123456790, 'noise'],
      [0, 'noise', 0, 'delay'],
      [99, 'fading', 100, 'fading'],
    ];
    for (const [s1, p1, s2, p2] of pairs) {
      expect(Math.abs(correlation(series(s1, p1), series(s2, p2)))).toBeLessThan(bound);
    }
  });

  test('seeds must be non-negative safe integers (TypeError naming the field)', () => {
    for (const bad of [-1, 1.5, NaN, 2 ** 53, '3', null]) {
      expect(() => checkSeed(bad)).toThrow(TypeError);
    }
    expect(() => rngFor(-1, 'noise')).toThrow(/seed must be an integer/);
    expect(checkSeed(0)).toBe(0);
  });
});

describe('ziggurat Gaussian', () => {
  const n = 1_000_000;
  const rng = rngFor(2024, 'noise');
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = gaussian(rng);

  test('moments of N(0, 1) over 10^6 draws', () => {
    const m = moments(x);
    // Standard errors: mean 1/√n, variance √(2/n), skew √(6/n), kurtosis √(24/n); 5σ bounds.
    expect(Math.abs(m.mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m.skew)).toBeLessThan(5 * Math.sqrt(6 / n));
    expect(Math.abs(m.kurtosis - 3)).toBeLessThan(5 * Math.sqrt(24 / n));
  });

  test('Kolmogorov–Smirnov distance to Φ below the 1% critical value', () => {
    const s = Float64Array.from(x).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(s[i]!);
      d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
    }
    expect(d).toBeLessThan(1.628 / Math.sqrt(n));
  });

  test('tail probabilities (the tail sampler starts at 3.654) inside 99% binomial intervals', () => {
    for (const t of [1, 2, 3, 3.6541528853610088, 4]) {
      let count = 0;
      for (let i = 0; i < n; i++) if (Math.abs(x[i]!) > t) count++;
      const [lo, hi] = binomialInterval(n, 2 * qfunc(t));
      expect(count).toBeGreaterThanOrEqual(lo);
      expect(count).toBeLessThanOrEqual(hi);
    }
  });

  test('the literal ziggurat tables match their recurrence (within 1e-14) and close at the top', () => {
    const R = 3.6541528853610088;
    const V = 0.00492867323399;
    const f = (x: number): number => Math.exp(-0.5 * x * x);
    expect(ZIGGURAT_X).toHaveLength(257);
    expect(ZIGGURAT_X[1]).toBe(R);
    expect(ZIGGURAT_X[256]).toBe(0);
    expect(Math.abs(ZIGGURAT_X[0]! / (V / f(R)) - 1)).toBeLessThan(1e-14);
    for (let i = 1; i < 255; i++) {
      const next = Math.sqrt(-2 * Math.log(V / ZIGGURAT_X[i]! + f(ZIGGURAT_X[i]!)));
      expect(Math.abs(ZIGGURAT_X[i + 1]! / next - 1)).toBeLessThan(1e-14);
    }
    ZIGGURAT_X.forEach((x, i) => expect(Math.abs(ZIGGURAT_F[i]! - f(x))).toBeLessThan(1e-15));
    // Every layer has area V: the top layer's rectangle reaches f(0) = 1.
    expect(V / ZIGGURAT_X[255]! + ZIGGURAT_F[255]!).toBeCloseTo(1, 9);
  });

  test('the inlined AWGN loop draws exactly what gaussian() draws', () => {
    const src = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i));
    const a = new Float32Array(src.length);
    addGaussianNoise(rngFor(3, 'noise'), src, a, 0.7);
    const r = rngFor(3, 'noise');
    const b = src.map((v) => v + 0.7 * gaussian(r));
    expect(a).toEqual(b);
  });
});
