import { createChannel, transmit, ValidationError } from '../src';

const x = new Float32Array([1, -1, 0.5, 0.25]);

describe('invalid configs are rejected with messages naming the field', () => {
  const digital = { bits: 8, modulation: 'qpsk' };
  test.each([
    ['negative bandwidth', { mode: 'analog', snrDb: 0, link: { bandwidthHz: -5 } }, 'link.bandwidthHz'],
    ['zero bandwidth', { mode: 'analog', snrDb: 0, link: { bandwidthHz: 0 } }, 'link.bandwidthHz'],
    [
      'unknown modulation',
      { mode: 'digital', snrDb: 0, digital: { ...digital, modulation: '64qam' } },
      'digital.modulation',
    ],
    ['SNR above 60 dB', { mode: 'analog', snrDb: 61 }, 'snrDb'],
    ['SNR below −30 dB', { mode: 'analog', snrDb: -31 }, 'snrDb'],
    ['SNR not finite', { mode: 'analog', snrDb: Infinity }, 'snrDb'],
    ['q not supported', { mode: 'digital', snrDb: 0, digital: { ...digital, bits: 12 } }, 'digital.bits'],
    ['unknown code', { mode: 'digital', snrDb: 0, digital: { ...digital, code: 'ldpc' } }, 'digital.code'],
    ['digital without its settings', { mode: 'digital', snrDb: 0 }, 'digital'],
    ['unknown mode', { mode: 'quantum', snrDb: 0 }, 'mode'],
    [
      'negative K factor',
      { mode: 'analog', snrDb: 0, fading: { kind: 'rician', kFactor: -1 } },
      'fading.kFactor',
    ],
    ['zero pilots', { mode: 'analog', snrDb: 0, csi: { kind: 'pilot', pilots: 0 } }, 'csi.pilots'],
    ['unknown equaliser', { mode: 'analog', snrDb: 0, equalizer: 'dfe' }, 'equalizer'],
    [
      'loss probability above 1',
      { mode: 'analog', snrDb: 0, packet: { loss: { kind: 'bernoulli', p: 2 } } },
      'packet.loss.p',
    ],
    ['negative jitter', { mode: 'analog', snrDb: 0, packet: { jitterMs: -1 } }, 'packet.jitterMs'],
  ])('%s → %s', (_what, config, field) => {
    let err: unknown;
    try {
      createChannel(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toBe(field);
    expect((err as Error).message.startsWith(`${field}: `)).toBe(true);
    expect(() => transmit(x, config, { seed: 1 })).toThrow(ValidationError);
  });

  test('defaults are filled in', () => {
    expect(createChannel({ mode: 'analog', snrDb: 0 }).config).toEqual({
      mode: 'analog',
      snrDb: 0,
      normalize: true,
      fading: { kind: 'none' },
      equalizer: 'zf',
      csi: { kind: 'perfect' },
      link: { bandwidthHz: 20e6, emulate: false },
    });
  });
});

describe('bad arguments are TypeErrors', () => {
  const ch = createChannel({ mode: 'analog', snrDb: 0 });
  test.each([
    ['a plain array', [1, 2], { seed: 1 }, /Float32Array/],
    ['an empty latent', new Float32Array(0), { seed: 1 }, /empty/],
    ['a NaN in the latent', new Float32Array([1, NaN]), { seed: 1 }, /non-finite/],
    ['no options', x, undefined, /seed/],
    ['a negative seed', x, { seed: -1 }, /options\.seed/],
    ['a fractional seed', x, { seed: 0.5 }, /options\.seed/],
  ])('%s', (_what, latent, options, message) => {
    expect(() => ch.transmit(latent as Float32Array, options as { seed: number })).toThrow(TypeError);
    expect(() => ch.transmit(latent as Float32Array, options as { seed: number })).toThrow(message);
  });
});
