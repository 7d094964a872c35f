import { meanInterval95, t975 } from '@semaigc/metrics';

describe('Student-t 95% interval', () => {
  test('hand-computed interval of 1..5', () => {
    // mean 3, s = √2.5, t_{0.975,4} = 2.776 → half = 2.776·√2.5/√5 = 2.776/√2
    const r = meanInterval95([5, 1, 4, 2, 3]);
    expect(r.n).toBe(5);
    expect(r.mean).toBe(3);
    expect(r.half).toBeCloseTo(2.776 / Math.SQRT2, 12);
  });

  test('table values and the expansion beyond df = 30 agree with exact quantiles', () => {
    expect(t975(1)).toBe(12.706);
    expect(t975(30)).toBe(2.042);
    // exact: df 31 → 2.0395, 60 → 2.0003, 120 → 1.9799, 1000 → 1.9623
    expect(t975(31)).toBeCloseTo(2.0395, 3);
    expect(t975(60)).toBeCloseTo(2.0003, 3);
    expect(t975(120)).toBeCloseTo(1.9799, 3);
    expect(t975(1000)).toBeCloseTo(1.9623, 3);
    // monotone across the seam between table and expansion
    expect(t975(31)).toBeLessThan(t975(30));
  });

  test('one value has no interval; no values or a bad df are errors naming the function', () => {
    expect(meanInterval95([0.7])).toEqual({ n: 1, mean: 0.7, half: NaN });
    expect(meanInterval95([1, NaN]).mean).toBeNaN();
    expect(() => meanInterval95([])).toThrow(/meanInterval95/);
    expect(() => t975(0)).toThrow(/df/);
  });
});
