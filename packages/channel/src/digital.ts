/**
 * Digital transmission: quantise → encode → Gray modulation → channel → equalise (ZF) →
 * hard decisions → decode → dequantise.
 *   AWGN at γ = Es/N0 with unit symbol energy: noise variance N0/2 = 1/(2γ) per real dimension;
 *   `snrIs: 'EbN0'` converts first: Es/N0 = Eb/N0 + 10·log10(bits per symbol · code rate).
 * Detection always divides by ĥ: for a scalar channel the unbiased MMSE estimate equals ZF,
 * so hard decisions would be the same; the biased MMSE scaling would break 16-QAM's
 * amplitude thresholds.
 */
import type { ChannelConfig } from '@semaigc/protocol';
import { decode, encode } from './codes';
import { estimateCsi } from './csi';
import { applyFadingChannel, designEqualizer } from './equalizer';
import { drawFading, type Complex } from './fading';
import { demodulate, modulate } from './modem';
import { bitsToCodes, codesToBits, dequantize, quantize, type Quantized } from './quantize';
import type { Xoshiro128 } from './rng';
import { dbToLinear, esN0FromEbN0 } from './theory';

export type DigitalConfig = NonNullable<ChannelConfig['digital']>;

export interface DigitalStreams {
  noise: Xoshiro128;
  fading: () => Xoshiro128;
  pilot: () => Xoshiro128;
}

export interface DigitalResult {
  output: Float32Array;
  /** Codes sent and decided, to count bit errors per element. */
  sent: Quantized;
  received: Quantized;
  codedBits: number;
  esN0Db: number;
  h: Complex;
  hEst: Complex | null;
}

/** Es/N0 (dB) of a digital link whose `snrDb` is given as `digital.snrIs` says. */
export function digitalEsN0Db(snrDb: number, d: DigitalConfig): number {
  return d.snrIs === 'EbN0' ? esN0FromEbN0(snrDb, d.modulation, d.code) : snrDb;
}

/**
 * Sends `bits` over the modulated link and returns the hard-decided bits (no coding):
 * the building block for BER measurements.
 */
export function transmitBits(
  bits: Uint8Array,
  modulation: DigitalConfig['modulation'],
  esN0Db: number,
  noise: Xoshiro128,
  h: Complex = { re: 1, im: 0 },
  hEst: Complex = h,
): Uint8Array {
  const sym = modulate(bits, modulation);
  const noiseStd = Math.sqrt(1 / (2 * dbToLinear(esN0Db)));
  const zf = designEqualizer('zf', hEst, 0, 0, 1);
  applyFadingChannel(sym, h, zf.w, noiseStd, noise);
  return demodulate(sym, modulation, bits.length);
}

export function digitalChannel(
  x: Float32Array,
  cfg: ChannelConfig,
  d: DigitalConfig,
  streams: DigitalStreams,
): DigitalResult {
  const esN0Db = digitalEsN0Db(cfg.snrDb, d);
  const sent = quantize(x, d.bits);
  const coded = encode(codesToBits(sent.codes, d.bits), d.code);

  let h: Complex = { re: 1, im: 0 };
  let hEst: Complex | null = null;
  if (cfg.fading.kind !== 'none') {
    h = drawFading(cfg.fading, streams.fading());
    const noiseStd = Math.sqrt(1 / (2 * dbToLinear(esN0Db)));
    hEst = estimateCsi(cfg.csi, h, noiseStd, 1, streams.pilot).h;
  }
  const decided = transmitBits(coded, d.modulation, esN0Db, streams.noise, h, hEst ?? h);
  const info = decode(decided, d.code);
  const received: Quantized = { ...sent, codes: new Uint16Array(x.length) };
  bitsToCodes(info, d.bits, received.codes);
  return { output: dequantize(received), sent, received, codedBits: coded.length, esN0Db, h, hEst };
}

/** Bit errors between sent and received codes, per element, skipping erased elements. */
export function countBitErrors(
  sent: Quantized,
  received: Quantized,
  erased: Uint8Array | null,
): { errors: number; bits: number } {
  let errors = 0;
  let n = 0;
  for (let i = 0; i < sent.codes.length; i++) {
    if (erased && erased[i]) continue;
    let v = (sent.codes[i]! ^ received.codes[i]!) >>> 0;
    while (v) {
      v &= v - 1;
      errors++;
    }
    n++;
  }
  return { errors, bits: n * sent.bits };
}
