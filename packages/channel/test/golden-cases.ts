/**
 * Golden cases: fixed input, config and seed → a digest of the output's exact bits and the
 * metadata. Browser-safe (imports only the package), so a browser test can bundle this file,
 * run the same cases and compare with the same golden.json as the Node test.
 */
import {
  createChannel,
  digestFloat32,
  gaussian,
  rngFor,
  type ChannelConfigInput,
  type ChannelMeta,
} from '../src';

export interface GoldenCase {
  name: string;
  config: ChannelConfigInput;
  seed: number;
  /** Input latent: `length` N(0, std²) draws from stream (inputSeed, 'golden-input'). */
  input: { length: number; std: number; inputSeed: number };
}

export interface GoldenResult {
  digest: string;
  meta: ChannelMeta;
}

export const GOLDEN_CASES: GoldenCase[] = [
  {
    name: 'analog AWGN 10 dB',
    config: { mode: 'analog', snrDb: 10 },
    seed: 42,
    input: { length: 4 * 16 * 16, std: 1, inputSeed: 1 },
  },
  {
    name: 'analog AWGN -6 dB, no normalisation',
    config: { mode: 'analog', snrDb: -6, normalize: false },
    seed: 2 ** 40 + 3,
    input: { length: 4 * 16 * 16, std: 0.2, inputSeed: 2 },
  },
  {
    name: 'analog Rayleigh, MMSE, 16 pilots, 5 dB',
    config: {
      mode: 'analog',
      snrDb: 5,
      fading: { kind: 'rayleigh' },
      equalizer: 'mmse',
      csi: { kind: 'pilot', pilots: 16 },
    },
    seed: 7,
    input: { length: 4 * 16 * 16, std: 1.5, inputSeed: 3 },
  },
  {
    name: 'analog Rician K=4, ZF, odd length',
    config: { mode: 'analog', snrDb: 12, fading: { kind: 'rician', kFactor: 4 } },
    seed: 8,
    input: { length: 1023, std: 1, inputSeed: 4 },
  },
  {
    name: 'digital 16-QAM q8 Hamming(7,4) at Eb/N0 6 dB',
    config: {
      mode: 'digital',
      snrDb: 6,
      digital: { bits: 8, modulation: '16qam', code: 'hamming74', snrIs: 'EbN0' },
    },
    seed: 9,
    input: { length: 4 * 16 * 16, std: 1, inputSeed: 5 },
  },
  {
    name: 'digital QPSK q4 rep3, Rayleigh with pilots, 3 dB',
    config: {
      mode: 'digital',
      snrDb: 3,
      fading: { kind: 'rayleigh' },
      csi: { kind: 'pilot', pilots: 8 },
      digital: { bits: 4, modulation: 'qpsk', code: 'rep3' },
    },
    seed: 10,
    input: { length: 4 * 16 * 16, std: 1, inputSeed: 6 },
  },
  {
    name: 'analog with Gilbert–Elliott loss, delay and jitter, emulated link',
    config: {
      mode: 'analog',
      snrDb: 15,
      packet: {
        loss: { kind: 'gilbert-elliott', pGoodToBad: 0.1, pBadToGood: 0.5 },
        packetBytes: 128,
        delayMs: 20,
        jitterMs: 5,
      },
      link: { bandwidthHz: 1e6, emulate: true },
    },
    seed: 11,
    input: { length: 4 * 16 * 16, std: 1, inputSeed: 7 },
  },
];

export function goldenInput(input: GoldenCase['input']): Float32Array {
  const rng = rngFor(input.inputSeed, 'golden-input');
  const x = new Float32Array(input.length);
  for (let i = 0; i < x.length; i++) x[i] = input.std * gaussian(rng);
  return x;
}

export function runGoldenCase(c: GoldenCase): GoldenResult {
  const { output, meta } = createChannel(c.config).transmit(goldenInput(c.input), { seed: c.seed });
  return { digest: digestFloat32(output), meta };
}
