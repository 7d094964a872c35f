import {
  CalibrationError,
  QualityTable,
  createRng,
  fitPiecewiseQuality,
  measuredProfile,
  piecewiseQuality,
  type PiecewiseQuality,
} from '@semaigc/root';

const curve: PiecewiseQuality = { ax: 2, ay: 0.2, bx: 10, by: 0.9 };

describe('AaaS piecewise-linear quality model', () => {
  test.each([
    [0, 0.2],
    [2, 0.2],
    [6, 0.55], // 0.2 + 0.7 · 4/8
    [10, 0.9],
    [20, 0.9],
  ])('q(%p steps) = %p', (steps, q) => {
    expect(piecewiseQuality(steps, curve)).toBeCloseTo(q, 12);
  });

  test('a table interpolates each parameter linearly in dB and clamps beyond its rows', () => {
    const t = new QualityTable([
      { snrDb: 10, ax: 0, ay: 0.8, bx: 4, by: 1 },
      { snrDb: -10, ax: 0, ay: 0.2, bx: 12, by: 1 },
    ]);
    expect(t.paramsAt(0)).toEqual({ ax: 0, ay: 0.5, bx: 8, by: 1 });
    expect(t.paramsAt(-30)).toMatchObject({ ay: 0.2, bx: 12 });
    expect(t.quality(4, 0)).toBeCloseTo(0.75, 12);
    expect(() => new QualityTable([])).toThrow(TypeError);
    expect(() => new QualityTable([{ snrDb: 0, ax: 5, ay: 0, bx: 1, by: 1 }])).toThrow(/ax/);
  });
});

describe('fitting the four parameters', () => {
  test('recovers a known curve from noisy samples at every step count', () => {
    const rng = createRng(7);
    const points = [];
    for (let s = 0; s <= 20; s++) {
      for (let k = 0; k < 8; k++)
        points.push({ steps: s, quality: piecewiseQuality(s, curve) + 0.02 * rng.normal() });
    }
    const fit = fitPiecewiseQuality(points);
    expect(fit.ax).toBeCloseTo(2, 0);
    expect(fit.bx).toBeCloseTo(10, 0);
    expect(fit.ay).toBeCloseTo(0.2, 1);
    expect(fit.by).toBeCloseTo(0.9, 1);
    expect(fit.residualStd).toBeGreaterThan(0.015);
    expect(fit.residualStd).toBeLessThan(0.025);
  });

  test('is exact on noise-free samples', () => {
    const points = [0, 1, 2, 4, 6, 8, 10, 14, 20].map((s) => ({
      steps: s,
      quality: piecewiseQuality(s, curve),
    }));
    const fit = fitPiecewiseQuality(points);
    expect(fit.rmse).toBeLessThan(1e-9);
    expect(fit).toMatchObject({ ax: 2, bx: 10 });
  });

  test('needs two distinct step counts', () => {
    expect(() => fitPiecewiseQuality([{ steps: 3, quality: 1 }])).toThrow(CalibrationError);
    expect(() => fitPiecewiseQuality([{ steps: NaN, quality: 1 }])).toThrow(TypeError);
  });
});

/** A synthetic split benchmark: known curves per SNR, 5 seeds per split, noise 0.03. */
function syntheticBenchmark(higherIsBetter = true): Record<string, unknown> {
  const truth: Record<number, PiecewiseQuality> = {
    [-6]: { ax: 0, ay: 0.2, bx: 14, by: 0.9 },
    [6]: { ax: 0, ay: 0.6, bx: 6, by: 0.9 },
  };
  const rng = createRng(3);
  const samples = [];
  for (const snr of [-6, 6]) {
    for (let a = 0; a <= 20; a += 2) {
      for (let seed = 0; seed < 5; seed++) {
        const q = piecewiseQuality(20 - a, truth[snr]!) + 0.03 * rng.normal();
        samples.push({ snrDb: snr, edgeSteps: a, seed, quality: higherIsBetter ? q : -q });
      }
    }
  }
  return {
    format: 'semaigc-split-benchmark',
    version: 1,
    totalSteps: 20,
    timing: { edgeStepS: 0.05, deviceStepS: 0.12, textEncodeS: 0.01, vaeDecodeS: 0.03 },
    payload: { latentBits: 4 * 8 * 8 * 8, imageBits: 64 * 64 * 3 * 8 },
    quality: {
      metric: 'caption-consistency',
      higherIsBetter,
      threshold: higherIsBetter ? 0.6 : -0.6,
      samples,
    },
  };
}

describe('measured profile from a split benchmark', () => {
  test('takes the timings and payloads, and fits one row per SNR', () => {
    const { profile, fits } = measuredProfile(syntheticBenchmark());
    expect(profile).toMatchObject({ name: 'measured', edgeStepS: 0.05, deviceStepS: 0.12, latentBits: 2048 });
    expect(fits.map((f) => f.snrDb)).toEqual([-6, 6]);
    expect(fits[0]!.bx).toBeGreaterThan(12);
    expect(fits[0]!.bx).toBeLessThan(16);
    expect(fits[1]!.bx).toBeGreaterThan(4.5);
    expect(fits[1]!.bx).toBeLessThan(7.5);
    expect(profile.quality.noiseStd).toBeGreaterThan(0.02);
    expect(profile.quality.noiseStd).toBeLessThan(0.04);
    expect(profile.quality.threshold).toBe(0.6);
    // Local AIGC defaults to the best fitted quality
    expect(profile.quality.local).toBeCloseTo(Math.max(fits[0]!.by, fits[1]!.by), 12);
  });

  test('a lower-is-better metric is negated, so the same curves come out', () => {
    const up = measuredProfile(syntheticBenchmark(true)).profile.quality;
    const down = measuredProfile(syntheticBenchmark(false)).profile.quality;
    expect(down.threshold).toBe(up.threshold);
    expect(down.table[0]!.ay).toBeCloseTo(up.table[0]!.ay, 9);
  });

  test('errors name the field', () => {
    const bad = syntheticBenchmark();
    expect(() => measuredProfile({ ...bad, format: 'x' })).toThrow(/benchmark\.format/);
    expect(() => measuredProfile({ ...bad, timing: { ...(bad.timing as object), edgeStepS: -1 } })).toThrow(
      /benchmark\.timing\.edgeStepS/,
    );
    const q = bad.quality as { samples: unknown[] };
    expect(() =>
      measuredProfile({ ...bad, quality: { ...q, samples: [{ snrDb: 0, edgeSteps: 40, quality: 1 }] } }),
    ).toThrow(/samples\[0\]\.edgeSteps/);
    expect(() =>
      measuredProfile({ ...bad, quality: { ...q, samples: [{ snrDb: 0, edgeSteps: 4, quality: 1 }] } }),
    ).toThrow(CalibrationError);
  });
});
