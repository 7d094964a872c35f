/**
 * Channel state at the receiver: perfect (ĥ = h) or the least-squares estimate from N pilot
 * symbols sent through the same channel at the same SNR as the data:
 *   y_k = h·p + n_k,  ĥ = (1/N)·Σ y_k / p,  so ĥ − h ~ CN(0, σ_c²/(N·|p|²))
 * where σ_c² is the complex noise variance (2× the per-dimension variance).
 */
import type { ChannelConfig } from '@semaigc/protocol';
import type { Complex } from './fading';
import { gaussian } from './gaussian';
import type { Xoshiro128 } from './rng';

export interface CsiEstimate {
  h: Complex;
  /** Variance of ĥ − h (complex), what the receiver knows about its estimate's error. */
  errorVariance: number;
}

/**
 * @param noiseStd noise standard deviation per real dimension
 * @param pilotAmplitude |p|, the pilot's amplitude (pilots carry the data symbols' power)
 * @param rng the pilot noise stream, created only when pilots are sent
 */
export function estimateCsi(
  csi: ChannelConfig['csi'],
  h: Complex,
  noiseStd: number,
  pilotAmplitude: number,
  rng: () => Xoshiro128,
): CsiEstimate {
  if (csi.kind === 'perfect') return { h: { ...h }, errorVariance: 0 };
  const pilotRng = rng();
  const n = csi.pilots;
  let sumRe = 0;
  let sumIm = 0;
  for (let k = 0; k < n; k++) {
    sumRe += h.re * pilotAmplitude + noiseStd * gaussian(pilotRng);
    sumIm += h.im * pilotAmplitude + noiseStd * gaussian(pilotRng);
  }
  const scale = 1 / (n * pilotAmplitude);
  return {
    h: { re: sumRe * scale, im: sumIm * scale },
    errorVariance: (2 * noiseStd * noiseStd) / (n * pilotAmplitude * pilotAmplitude),
  };
}
