import {
  PAPER_PROFILE,
  createRng,
  expectedOutcome,
  normalCdf,
  sampleOutcome,
  validateProfile,
  type RequestConditions,
  type ServiceProfile,
} from '@semaigc/root';

// A profile whose numbers make every latency easy to compute by hand: 1 s per edge step,
// 1 s per device step, no transmission cost to speak of, no VAE, no text encoding.
const simple: ServiceProfile = {
  ...PAPER_PROFILE,
  totalSteps: 4,
  edgeStepS: 1,
  deviceStepS: 1,
  textEncodeS: 0,
  vaeDecodeS: 0,
  latentBits: 0,
  maxTries: 3,
  failureLimitS: 60,
  quality: {
    // quality = receiver steps / 4: 0, 0.25, 0.5, 0.75, 1
    table: [{ snrDb: 0, ax: 0, ay: 0, bx: 4, by: 1 }],
    threshold: 0.5,
    noiseStd: 0,
    local: 1,
  },
};
const table = validateProfile(simple);
const cond: RequestConditions = {
  edgeStepS: 1,
  deviceStepS: 1,
  snrDb: 0,
  edgeShare: 1,
  deviceCapability: 1,
  bandwidthHz: 1e6,
  targetS: 4,
  limitS: 8,
};

describe('service model: quality gate, regeneration, reward', () => {
  test('Φ matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });

  test('a passing split is served once: L = 4 s, satisfaction 1', () => {
    const e = expectedOutcome(simple, table, cond, { scheme: 'split', edgeSteps: 2 });
    expect(e).toMatchObject({
      satisfaction: 1,
      latencyS: 4,
      failureProbability: 0,
      passProbability: 1,
      tries: 1,
    });
  });

  test('a split below the threshold is regenerated 3 times and fails', () => {
    // a = 3: 1 receiver step, quality 0.25 < 0.5; 3 attempts of 4 s
    const e = expectedOutcome(simple, table, cond, { scheme: 'split', edgeSteps: 3 });
    expect(e).toMatchObject({ satisfaction: 0, latencyS: 12, failureProbability: 1, tries: 3 });
    const s = sampleOutcome(simple, table, cond, { scheme: 'split', edgeSteps: 3 }, createRng(1));
    expect(s).toMatchObject({ failed: true, tries: 3, latencyS: 12, satisfaction: 0 });
  });

  test('with pass probability 1/2 the expectation sums over attempts', () => {
    // quality exactly at the threshold with noise: Φ(0) = 1/2 per attempt.
    const noisy = { ...simple, quality: { ...simple.quality, noiseStd: 0.1 } };
    const t = validateProfile(noisy);
    const e = expectedOutcome(
      noisy,
      t,
      { ...cond, targetS: 3, limitS: 11 },
      { scheme: 'split', edgeSteps: 2 },
    );
    // L_k = 4k; s(4) = 7/8, s(8) = 3/8, s(12) = 0. E = ½·7/8 + ¼·3/8 + ⅛·0
    expect(e.satisfaction).toBeCloseTo(0.5 * 0.875 + 0.25 * 0.375, 6);
    // E[L] = ½·4 + ¼·8 + ⅛·12 + ⅛·12 (failed after three)
    expect(e.latencyS).toBeCloseTo(2 + 2 + 1.5 + 1.5, 6);
    expect(e.tries).toBeCloseTo(1 + 0.5 + 0.25, 6);
    expect(e.failureProbability).toBeCloseTo(0.125, 6);
  });

  test('sampled outcomes average to the expectation', () => {
    const noisy = { ...simple, quality: { ...simple.quality, noiseStd: 0.2 } };
    const t = validateProfile(noisy);
    const d = { scheme: 'split', edgeSteps: 2 } as const;
    const c = { ...cond, targetS: 3, limitS: 11 };
    const rng = createRng(42);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) sum += sampleOutcome(noisy, t, c, d, rng).satisfaction;
    // std of one sample ≤ 0.5, so 4σ of the mean is 0.014
    expect(sum / n).toBeCloseTo(expectedOutcome(noisy, t, c, d).satisfaction, 1);
    expect(Math.abs(sum / n - expectedOutcome(noisy, t, c, d).satisfaction)).toBeLessThan(0.014);
  });

  test('a request over the failure limit stops and fails, whatever its quality', () => {
    const slow = { ...simple, failureLimitS: 10 };
    const t = validateProfile(slow);
    // a = 0: 4 device steps, quality 1, but each attempt is 4 s; wide band so s > 0 before 10 s
    const c = { ...cond, deviceCapability: 0.25, limitS: 40 }; // 16 s per attempt
    const e = expectedOutcome(slow, t, c, { scheme: 'split', edgeSteps: 0 });
    expect(e).toMatchObject({ satisfaction: 0, failureProbability: 1, latencyS: 16, tries: 1 });
  });

  test('Edge AIGC gets the no-fine-tuning quality at the SNR; Local AIGC the profile figure', () => {
    // Edge AIGC: quality(0 receiver steps) = 0 < 0.5 → always fails
    expect(
      expectedOutcome(simple, table, cond, { scheme: 'edge-image', edgeSteps: 4 }).failureProbability,
    ).toBe(1);
    expect(expectedOutcome(simple, table, cond, { scheme: 'local', edgeSteps: 0 }).failureProbability).toBe(
      0,
    );
  });
});
