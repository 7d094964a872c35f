import { erfc, normalCdf, qfunc } from '../src';

describe('erfc', () => {
  // Reference values: Python 3 math.erfc (C libm), printed with repr().
  const reference: [number, number][] = [
    [0, 1.0],
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [1.5, 0.033894853524689274],
    [1.99, 0.004888586800383003],
    [2, 0.004677734981047265],
    [2.5, 0.0004069520174449589],
    [3, 2.2090496998585438e-5],
    [4, 1.541725790028002e-8],
    [5, 1.5374597944280351e-12],
    [6, 2.1519736712498916e-17],
    [8, 1.1224297172982928e-29],
    [10, 2.088487583762545e-45],
    [-1, 1.842700792949715],
    [-3, 1.9999779095030015],
  ];
  test.each(reference)('erfc(%p) within 1e-13 relative of libm', (x, want) => {
    expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-13);
  });

  test('Q and Φ: Q(0) = 1/2, Q(−x) = 1 − Q(x), Φ = 1 − Q', () => {
    expect(qfunc(0)).toBe(0.5);
    for (const v of [0.3, 1.7, 4.2]) {
      expect(qfunc(-v) + qfunc(v)).toBeCloseTo(1, 15);
      expect(normalCdf(v)).toBeCloseTo(1 - qfunc(v), 15);
    }
    expect(erfc(30)).toBe(0);
    expect(erfc(NaN)).toBeNaN();
  });
});
