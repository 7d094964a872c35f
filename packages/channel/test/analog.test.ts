import { channelMetaSchema, createChannel, dbToLinear, signalPower } from '../src';
import { latent, moments } from './helpers';

describe('analog AWGN: SNR per element of the transmitted tensor', () => {
  // 4 channels × 250 000 = 10^6 samples each.
  const per = 250_000;
  const tensors: [string, number[]][] = [
    ['random tensor', [1, 1, 1, 1]],
    ['very uneven channel powers (10, 1, 0.1, 0.001)', [10, 1, 0.1, 0.001]],
  ];
  const cases = tensors.flatMap(([name, stds]) =>
    [-6, 0, 10, 15].flatMap((snrDb) => [true, false].map((normalize) => ({ name, stds, snrDb, normalize }))),
  );

  test.each(cases)('$name at $snrDb dB (normalize $normalize): measured SNR within ±0.1 dB', (c) => {
    const x = latent(c.stds, per);
    const ch = createChannel({ mode: 'analog', snrDb: c.snrDb, normalize: c.normalize });
    const { output, meta } = ch.transmit(x, { seed: 11 });
    const p = signalPower(x);
    expect(Math.abs(meta.snrDbMeasured! - c.snrDb)).toBeLessThanOrEqual(0.1);
    // σ² = P/10^(SNR/10) in latent units, the same for every channel: the weakest channel
    // (std 0.001 in the uneven tensor) gets the whole tensor's σ², not its own power's.
    expect(meta.noiseVariance).toBeCloseTo(p / dbToLinear(c.snrDb), 12);
    const last = Float64Array.from({ length: per }, (_, i) => output[3 * per + i]! - x[3 * per + i]!);
    const m = moments(last);
    expect(Math.abs(m.variance / meta.noiseVariance - 1)).toBeLessThan(0.02);
    expect(channelMetaSchema.parse(meta)).toEqual(meta);
  });

  test('meta of a plain AWGN link', () => {
    const x = latent([1, 2], 512);
    const { meta, erased, holdSeconds } = createChannel({ mode: 'analog', snrDb: 3 }).transmit(x, {
      seed: 1,
    });
    expect(meta).toMatchObject({
      mode: 'analog',
      snrDbSet: 3,
      hRe: 1,
      hIm: 0,
      fading: 'none',
      equalizer: null,
    });
    expect(meta.bitErrorRate).toBeNull();
    expect(meta.hEstRe).toBeUndefined();
    expect(erased).toBeNull();
    expect(holdSeconds).toBe(0);
  });

  test('normalisation changes rounding only, not the noise realisation', () => {
    const x = latent([3, 0.5], 4096);
    const a = createChannel({ mode: 'analog', snrDb: 5, normalize: true }).transmit(x, { seed: 9 }).output;
    const b = createChannel({ mode: 'analog', snrDb: 5, normalize: false }).transmit(x, { seed: 9 }).output;
    let maxDiff = 0;
    for (let i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  test('ideal mode and a zero tensor pass unchanged', () => {
    const x = latent([1], 100);
    const ideal = createChannel({ mode: 'ideal', snrDb: -10 }).transmit(x, { seed: 1 });
    expect(ideal.output).toEqual(x);
    expect(ideal.output).not.toBe(x);
    expect(ideal.meta).toMatchObject({ snrDbMeasured: null, noiseVariance: 0, fading: 'none' });
    const zero = createChannel({ mode: 'analog', snrDb: 0 }).transmit(new Float32Array(10), { seed: 1 });
    expect(zero.output).toEqual(new Float32Array(10));
    expect(zero.meta.snrDbMeasured).toBeNull();
    expect(zero.meta.noiseVariance).toBe(0);
  });
});
