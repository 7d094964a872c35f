import { createChannel, dbToLinear, drawFading, rngFor, signalPower } from '../src';
import { binomialInterval, latent, mean } from './helpers';

describe('Rayleigh block fading', () => {
  const n = 1_000_000;
  const rng = rngFor(77, 'fading');
  const g2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const h = drawFading({ kind: 'rayleigh' }, rng);
    g2[i] = h.re * h.re + h.im * h.im;
  }

  test('E|h|² = 1 within 1% (10^6 draws)', () => {
    expect(Math.abs(mean(g2) - 1)).toBeLessThan(0.01);
  });

  test('E|h|² = 1 within 1% over the per-request gains of 2·10^5 seeds', () => {
    let s = 0;
    const seeds = 200_000;
    for (let seed = 0; seed < seeds; seed++) {
      const h = drawFading({ kind: 'rayleigh' }, rngFor(seed, 'fading'));
      s += h.re * h.re + h.im * h.im;
    }
    expect(Math.abs(s / seeds - 1)).toBeLessThan(0.01);
  });

  test.each([0.01, 0.1, 0.5, 1, 2, 4])(
    'outage P(|h|² < %p) = 1 − exp(−x), inside the 99% binomial interval',
    (x) => {
      let count = 0;
      for (let i = 0; i < n; i++) if (g2[i]! < x) count++;
      const [lo, hi] = binomialInterval(n, 1 - Math.exp(-x));
      expect(count).toBeGreaterThanOrEqual(lo);
      expect(count).toBeLessThanOrEqual(hi);
    },
  );
});

describe('Rician fading', () => {
  test.each([0, 1, 10])('K = %p: E|h|² = 1 within 1%, Var|h|² = (1 + 2K)/(K + 1)² within 3%', (k) => {
    const rng = rngFor(5, 'fading');
    const n = 400_000;
    const g2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const h = drawFading({ kind: 'rician', kFactor: k }, rng);
      g2[i] = h.re * h.re + h.im * h.im;
    }
    const m = mean(g2);
    const v = mean(g2.map((g) => (g - m) ** 2));
    expect(Math.abs(m - 1)).toBeLessThan(0.01);
    expect(Math.abs(v / ((1 + 2 * k) / (k + 1) ** 2) - 1)).toBeLessThan(0.03);
  });
});

describe('equalisation', () => {
  const x = latent([1, 0.3, 2, 1], 250_000);
  const p = signalPower(x);

  test('ZF with perfect CSI: σ² = P/(SNR·|h|²), measured SNR = SNR·|h|² within 0.1 dB', () => {
    const snrDb = 10;
    const { meta, output } = createChannel({ mode: 'analog', snrDb, fading: { kind: 'rayleigh' } }).transmit(
      x,
      {
        seed: 3,
      },
    );
    const h2 = meta.hRe ** 2 + meta.hIm ** 2;
    expect(meta.equalizer).toBe('zf');
    expect([meta.hEstRe, meta.hEstIm]).toEqual([meta.hRe, meta.hIm]);
    expect(meta.noiseVariance).toBeCloseTo(p / (dbToLinear(snrDb) * h2), 12);
    expect(Math.abs(meta.snrDbMeasured! - (snrDb + 10 * Math.log10(h2)))).toBeLessThan(0.1);
    let mse = 0;
    for (let i = 0; i < x.length; i++) mse += (output[i]! - x[i]!) ** 2;
    expect(Math.abs(mse / x.length / meta.noiseVariance - 1)).toBeLessThan(0.01);
  });

  test('MMSE with perfect CSI: reported σ² = P/(1 + SNR·|h|²) is the measured MSE (±1%), below ZF', () => {
    for (const seed of [1, 2, 3, 4]) {
      const cfg = { mode: 'analog', snrDb: 0, fading: { kind: 'rayleigh' } } as const;
      const mmse = createChannel({ ...cfg, equalizer: 'mmse' }).transmit(x, { seed });
      const zf = createChannel({ ...cfg, equalizer: 'zf' }).transmit(x, { seed });
      const h2 = mmse.meta.hRe ** 2 + mmse.meta.hIm ** 2;
      expect(mmse.meta.noiseVariance).toBeCloseTo(p / (1 + h2), 10);
      let mse = 0;
      for (let i = 0; i < x.length; i++) mse += (mmse.output[i]! - x[i]!) ** 2;
      expect(Math.abs(mse / x.length / mmse.meta.noiseVariance - 1)).toBeLessThan(0.01);
      expect(mmse.meta.noiseVariance).toBeLessThan(zf.meta.noiseVariance);
    }
  });

  test('pilot CSI: E|ĥ − h|² = 1/(N·SNR) per complex gain within 5% (10^4 requests)', () => {
    const pilots = 8;
    const snrDb = 10;
    const ch = createChannel({
      mode: 'analog',
      snrDb,
      fading: { kind: 'rayleigh' },
      csi: { kind: 'pilot', pilots },
    });
    const small = latent([1], 16);
    let err = 0;
    const requests = 10_000;
    for (let seed = 0; seed < requests; seed++) {
      const { meta } = ch.transmit(small, { seed });
      err += (meta.hEstRe! - meta.hRe) ** 2 + (meta.hEstIm! - meta.hIm) ** 2;
    }
    expect(Math.abs(err / requests / (1 / (pilots * dbToLinear(snrDb))) - 1)).toBeLessThan(0.05);
  });

  test('pilot CSI: the reported σ² counts the estimation error, σ_eff² = σ²(1 + 1/N)', () => {
    const pilots = 4;
    const { meta } = createChannel({
      mode: 'analog',
      snrDb: 5,
      fading: { kind: 'rician', kFactor: 3 },
      csi: { kind: 'pilot', pilots },
    }).transmit(x, { seed: 8 });
    const e2 = meta.hEstRe! ** 2 + meta.hEstIm! ** 2;
    expect(meta.noiseVariance).toBeCloseTo(((p / dbToLinear(5)) * (1 + 1 / pilots)) / e2, 10);
  });

  test('an odd-length latent pairs its last element with a zero', () => {
    const odd = latent([1], 1023);
    const { output, meta } = createChannel({
      mode: 'analog',
      snrDb: 30,
      fading: { kind: 'rayleigh' },
    }).transmit(odd, {
      seed: 4,
    });
    expect(output).toHaveLength(1023);
    expect(Math.abs(output[1022]! - odd[1022]!)).toBeLessThan(10 * Math.sqrt(meta.noiseVariance));
  });
});
