import { DDIMScheduler, DEFAULT_SCHEDULER_CONFIG, parseSchedulerConfig } from '../src/ddim-scheduler';

describe('DDIMScheduler schedule', () => {
  const s = new DDIMScheduler();

  test('scaled_linear ᾱ matches Stable Diffusion v1.5 values', () => {
    expect(s.alphasCumprod[0]).toBeCloseTo(1 - 0.00085, 10);
    // β_999 = 0.012 exactly, and SD's ᾱ_999 ≈ 0.0047 (diffusers prints 0.00466).
    expect(s.alphasCumprod[999]).toBeGreaterThan(0.0045);
    expect(s.alphasCumprod[999]).toBeLessThan(0.0048);
    for (let t = 1; t < 1000; t++) expect(s.alphasCumprod[t]!).toBeLessThan(s.alphasCumprod[t - 1]!);
    expect(s.finalAlphaCumprod).toBe(s.alphasCumprod[0]); // set_alpha_to_one: false
  });

  test.each([
    [
      'leading',
      20,
      [951, 901, 851, 801, 751, 701, 651, 601, 551, 501, 451, 401, 351, 301, 251, 201, 151, 101, 51, 1],
    ],
    ['leading', 4, [751, 501, 251, 1]],
    ['trailing', 4, [999, 749, 499, 249]],
    ['linspace', 4, [999, 666, 333, 0]],
  ] as const)('%s spacing with %d steps', (spacing, n, expected) => {
    const sch = new DDIMScheduler({ ...DEFAULT_SCHEDULER_CONFIG, timestep_spacing: spacing });
    expect(sch.setTimesteps(n)).toEqual(expected);
  });

  test('rejects bad step counts and configs, naming the field', () => {
    expect(() => s.setTimesteps(0)).toThrow(/n must be an integer/);
    expect(() => parseSchedulerConfig({ beta_schedule: 'cosine' })).toThrow(/beta_schedule/);
    expect(() => parseSchedulerConfig({ prediction_type: 'x' })).toThrow(/prediction_type/);
    expect(() => new DDIMScheduler().step(new Float32Array(1), 1, new Float32Array(1))).toThrow(
      /setTimesteps/,
    );
  });
});

describe('DDIMScheduler.step', () => {
  // With the true noise as the model output, DDIM recovers x0 exactly and lands on the
  // forward-process point at the previous timestep: a property of eq. (12) with η = 0.
  const x0 = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
  const eps = Float32Array.from({ length: 64 }, (_, i) => Math.cos(3 * i));

  test.each(['epsilon', 'v_prediction', 'sample'] as const)(
    'exact model (%s) recovers x0 and the forward marginal',
    (pt) => {
      const s = new DDIMScheduler({ ...DEFAULT_SCHEDULER_CONFIG, prediction_type: pt });
      s.setTimesteps(20);
      const t = 501;
      const a = s.alphaAt(t);
      const xt = x0.map((v, i) => Math.sqrt(a) * v + Math.sqrt(1 - a) * eps[i]!);
      const out = xt.map((x, i) =>
        pt === 'epsilon'
          ? eps[i]!
          : pt === 'sample'
            ? x0[i]!
            : Math.sqrt(a) * eps[i]! - Math.sqrt(1 - a) * x0[i]!,
      );
      const { prevSample, predOriginal } = s.step(out, t, xt);
      const ap = s.alphaAt(451);
      for (let i = 0; i < 64; i++) {
        expect(predOriginal[i]).toBeCloseTo(x0[i]!, 4);
        expect(prevSample[i]).toBeCloseTo(Math.sqrt(ap) * x0[i]! + Math.sqrt(1 - ap) * eps[i]!, 4);
      }
    },
  );

  test('η > 0 adds the DDPM variance and requires noise', () => {
    const s = new DDIMScheduler();
    s.setTimesteps(10);
    const xt = new Float32Array(8).fill(0.5);
    const e = new Float32Array(8).fill(0.1);
    expect(() => s.step(e, 901, xt, { eta: 1 })).toThrow(/varianceNoise/);
    const a = s.step(e, 901, xt, { eta: 1, varianceNoise: new Float32Array(8).fill(1) }).prevSample;
    const b = s.step(e, 901, xt, { eta: 1, varianceNoise: new Float32Array(8).fill(-1) }).prevSample;
    expect(a[0]! - b[0]!).toBeGreaterThan(0);
  });

  test('the last step uses ᾱ_final (set_alpha_to_one)', () => {
    const one = new DDIMScheduler({ ...DEFAULT_SCHEDULER_CONFIG, set_alpha_to_one: true });
    one.setTimesteps(20);
    const xt = Float32Array.from([0.3, -0.2]);
    const e = Float32Array.from([0.1, 0.4]);
    const { prevSample, predOriginal } = one.step(e, 1, xt);
    // ᾱ_prev = 1: the step returns x̂0 itself.
    expect(Array.from(prevSample)).toEqual(Array.from(predOriginal));
  });
});
