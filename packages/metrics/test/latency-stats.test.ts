import { latencyStats, mean, quantile } from '@semaigc/metrics';

describe('latency statistics', () => {
  test('hand-computed summary of 1..10', () => {
    const s = latencyStats([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(s.n).toBe(10);
    expect(s.mean).toBe(5.5);
    // Σ(x − 5.5)² = 82.5; / 9 = 9.1667
    expect(s.std).toBeCloseTo(Math.sqrt(82.5 / 9), 12);
    expect(s.min).toBe(1);
    expect(s.max).toBe(10);
    // type 7: h = 9p; p50 → h = 4.5 → 5.5; p90 → h = 8.1 → 9.1; p99 → h = 8.91 → 9.91
    expect(s.p50).toBeCloseTo(5.5, 12);
    expect(s.p90).toBeCloseTo(9.1, 12);
    expect(s.p95).toBeCloseTo(9.55, 12);
    expect(s.p99).toBeCloseTo(9.91, 12);
  });

  test('one sample has zero spread', () => {
    expect(latencyStats([3])).toMatchObject({ n: 1, mean: 3, std: 0, p50: 3, p99: 3 });
  });

  test('quantile does not reorder its input and interpolates', () => {
    const x = [3, 1, 2];
    expect(quantile(x, 0.25)).toBe(1.5);
    expect(x).toEqual([3, 1, 2]);
    expect(mean(x)).toBe(2);
  });

  test('empty or NaN samples and bad quantiles are TypeErrors', () => {
    expect(() => latencyStats([])).toThrow(TypeError);
    expect(() => latencyStats([1, NaN])).toThrow(/NaN/);
    expect(() => quantile([1], 1.5)).toThrow(/p must be/);
    expect(() => mean([])).toThrow(TypeError);
  });
});
