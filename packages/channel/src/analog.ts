/**
 * Analog (semantic) transmission: the latent's elements are the channel symbols.
 *   P = mean(x²) per element, σ² = P/10^(SNR/10)
 *   no fading:  y' = x + n,  n ~ N(0, σ²) per element
 *   fading:     consecutive elements pair into complex symbols s = x[2i] + j·x[2i+1] (an odd
 *               last element is paired with 0), y = h·s + n, y' = w·y with w from equalizer.ts.
 * With `normalize`, symbols are scaled to unit power before the channel and back after; the
 * delivered statistics are the same (SNR is relative to P either way).
 */
import type { ChannelConfig } from '@semaigc/protocol';
import { estimateCsi } from './csi';
import { applyFadingChannel, designEqualizer, type EqualizerKind } from './equalizer';
import { drawFading, type Complex } from './fading';
import { addGaussianNoise } from './gaussian';
import type { Xoshiro128 } from './rng';
import { dbToLinear } from './theory';

export interface AnalogStreams {
  noise: Xoshiro128;
  fading: () => Xoshiro128;
  pilot: () => Xoshiro128;
}

export interface AnalogResult {
  output: Float32Array;
  /** Expected error variance per element in latent units (after de-normalisation and equalisation). */
  noiseVariance: number;
  h: Complex;
  hEst: Complex | null;
  equalizer: EqualizerKind | null;
}

export function analogChannel(
  x: Float32Array,
  cfg: ChannelConfig,
  power: number,
  streams: AnalogStreams,
): AnalogResult {
  const snr = dbToLinear(cfg.snrDb);
  const output = new Float32Array(x.length);
  // Symbol units: unit power when normalising, latent units otherwise.
  const scale = cfg.normalize && power > 0 ? Math.sqrt(power) : 1;
  const symPower = power / (scale * scale);
  const noiseVar = symPower / snr;
  const latentUnits = scale * scale;

  if (cfg.fading.kind === 'none') {
    addGaussianNoise(streams.noise, x, output, Math.sqrt(noiseVar), 1 / scale, scale);
    return {
      output,
      noiseVariance: noiseVar * latentUnits,
      h: { re: 1, im: 0 },
      hEst: null,
      equalizer: null,
    };
  }

  const h = drawFading(cfg.fading, streams.fading());
  const noiseStd = Math.sqrt(noiseVar);
  // Pilots carry the data symbols' power: |p|² = 2·symPower for a complex symbol.
  const csi = estimateCsi(cfg.csi, h, noiseStd, Math.sqrt(2 * symPower), streams.pilot);
  const eq = designEqualizer(cfg.equalizer, csi.h, noiseVar, csi.errorVariance, symPower);

  const sym = new Float64Array(2 * Math.ceil(x.length / 2));
  for (let i = 0; i < x.length; i++) sym[i] = x[i]! / scale;
  applyFadingChannel(sym, h, eq.w, noiseStd, streams.noise);
  for (let i = 0; i < x.length; i++) output[i] = sym[i]! * scale;
  return {
    output,
    noiseVariance: eq.errorVariance * latentUnits,
    h,
    hEst: csi.h,
    equalizer: eq.kind,
  };
}
