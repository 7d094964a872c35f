import { isFailed, satisfaction } from '@semaigc/metrics';

describe('satisfaction (eq. 24, continuous reading)', () => {
  const req = { targetS: 10, limitS: 20, failureLimitS: 60 };

  test.each([
    [0, 1],
    [9.99, 1],
    [10, 1],
    [12.5, 0.75],
    [15, 0.5],
    [19, 0.1],
    [20, 0],
    [45, 0],
    [Infinity, 0],
  ])('L = %p s in band [10, 20] gives %p', (latency, expected) => {
    expect(satisfaction(latency, req)).toBeCloseTo(expected, 12);
  });

  test('falls (never rises) with latency inside the band, unlike eq. 24 as printed', () => {
    expect(satisfaction(11, req)).toBeGreaterThan(satisfaction(12, req));
  });

  test('a band wider than the failure limit still gives 0 once the request failed', () => {
    const wide = { targetS: 30, limitS: 100, failureLimitS: 60 };
    expect(satisfaction(59, wide)).toBeCloseTo(41 / 70, 12);
    expect(satisfaction(61, wide)).toBe(0);
    expect(isFailed(61, 60)).toBe(true);
    expect(isFailed(60, 60)).toBe(false);
    expect(isFailed(1e9, undefined)).toBe(false);
  });

  test('a zero-width band is a hard deadline', () => {
    expect(satisfaction(5, { targetS: 5, limitS: 5 })).toBe(1);
    expect(satisfaction(5.001, { targetS: 5, limitS: 5 })).toBe(0);
  });

  test('bad arguments are TypeErrors that name the field', () => {
    expect(() => satisfaction(NaN, req)).toThrow(/latencyS/);
    expect(() => satisfaction(-1, req)).toThrow(/latencyS/);
    expect(() => satisfaction(1, { targetS: 10, limitS: 5 })).toThrow(/limitS/);
    expect(() => satisfaction(1, { targetS: NaN, limitS: 5 })).toThrow(/targetS/);
    expect(() => satisfaction(1, { targetS: 1, limitS: 5, failureLimitS: 0 })).toThrow(/failureLimitS/);
    expect(() => satisfaction(1, { targetS: 1, limitS: 5, failureLimitS: 0 })).toThrow(TypeError);
  });
});
