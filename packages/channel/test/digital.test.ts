import { channelMetaSchema, createChannel, dequantize, quantize, signalPower } from '../src';
import { latent } from './helpers';

describe('quantisation', () => {
  test.each([4, 8, 16])('q = %p: error at most half a step, codes within range', (q) => {
    const x = latent([1, 3], 5000);
    const r = quantize(x, q);
    const y = dequantize(r);
    let maxErr = 0;
    for (let i = 0; i < x.length; i++) maxErr = Math.max(maxErr, Math.abs(y[i]! - x[i]!));
    // Half a step, plus float32 rounding of the output.
    expect(maxErr).toBeLessThanOrEqual(r.step / 2 + 1e-6 * 12);
    expect(Math.max(...r.codes)).toBeLessThanOrEqual(2 ** q - 1);
    expect(Math.max(...r.codes)).toBe(2 ** q - 1);
    expect(Math.min(...r.codes)).toBe(0);
  });

  test('a constant tensor quantises to its value', () => {
    const y = dequantize(quantize(new Float32Array(10).fill(0.25), 8));
    expect(Array.from(y)).toEqual(new Array(10).fill(0.25));
  });
});

describe('digital transmission end to end', () => {
  const x = latent([1, 0.5, 2, 1], 4096);

  test('error-free at high SNR: output is the dequantised latent, MSE ≈ step²/12', () => {
    const ch = createChannel({ mode: 'digital', snrDb: 40, digital: { bits: 8, modulation: '16qam' } });
    const { output, meta } = ch.transmit(x, { seed: 1 });
    expect(meta.bitErrorRate).toBe(0);
    expect(output).toEqual(dequantize(quantize(x, 8)));
    const step = quantize(x, 8).step;
    expect(Math.abs(meta.noiseVariance / ((step * step) / 12) - 1)).toBeLessThan(0.05);
    expect(channelMetaSchema.parse(meta)).toEqual(meta);
    expect(meta.snrDbMeasured).toBeCloseTo(10 * Math.log10(signalPower(x) / meta.noiseVariance), 10);
  });

  test('the cliff: 16-QAM at low SNR is worse than analog, at high SNR far better', () => {
    const run = (mode: 'analog' | 'digital', snrDb: number): number =>
      createChannel({ mode, snrDb, digital: { bits: 8, modulation: '16qam' } }).transmit(x, { seed: 2 }).meta
        .noiseVariance;
    expect(run('digital', 4)).toBeGreaterThan(run('analog', 4));
    expect(run('digital', 25)).toBeLessThan(run('analog', 25) / 10);
  });

  test('the measured BER is reported and the link SNR follows snrIs', () => {
    const base = { mode: 'digital', snrDb: 6, digital: { bits: 8, modulation: 'qpsk' } } as const;
    const es = createChannel(base).transmit(x, { seed: 3 }).meta;
    const eb = createChannel({ ...base, digital: { ...base.digital, snrIs: 'EbN0' } }).transmit(x, {
      seed: 3,
    }).meta;
    // Eb/N0 = 6 dB is Es/N0 ≈ 9 dB for QPSK: fewer errors; the same symbols, so the same time.
    expect(eb.bitErrorRate!).toBeLessThan(es.bitErrorRate!);
    expect(eb.txSeconds).toBe(es.txSeconds);
    expect(es.bitErrorRate!).toBeGreaterThan(0);
  });

  test('fading with pilot CSI: ZF detection, ĥ reported', () => {
    const { meta } = createChannel({
      mode: 'digital',
      snrDb: 20,
      fading: { kind: 'rician', kFactor: 10 },
      csi: { kind: 'pilot', pilots: 64 },
      equalizer: 'mmse',
      digital: { bits: 4, modulation: 'qpsk', code: 'hamming74' },
    }).transmit(x, { seed: 5 });
    expect(meta.equalizer).toBe('zf');
    expect(meta.fading).toBe('rician');
    expect(meta.hEstRe).not.toBe(meta.hRe);
    expect(meta.bitErrorRate).toBeLessThan(0.01);
  });

  test('time: coded bits plus 64 bits of side information, one symbol per channel use at B', () => {
    const bits = 8 * x.length;
    const cfg = {
      mode: 'digital',
      snrDb: 10,
      digital: { bits: 8, modulation: 'bpsk', code: 'hamming74' },
    } as const;
    const { meta } = createChannel(cfg).transmit(x, { seed: 1 });
    // BPSK: one coded bit per symbol.
    const uses = (bits * 7) / 4 + 64;
    expect(meta.txSeconds).toBeCloseTo(uses / 20e6, 15);
    expect(meta.phy).toMatchObject({ link: 'digital', channelUses: uses, mcs: null });
    const qpsk = createChannel({ ...cfg, digital: { ...cfg.digital, modulation: 'qpsk' } }).transmit(x, {
      seed: 1,
    });
    expect(qpsk.meta.phy?.channelUses).toBe(uses / 2);
  });
});
