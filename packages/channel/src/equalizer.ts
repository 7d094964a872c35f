/**
 * One-tap receiver equalisers for block fading, designed from the receiver's estimate ĥ.
 * Per real dimension: signal power P, noise variance σ², CSI error variance σ_e² (complex);
 * the CSI error acts as extra noise, σ_eff² = σ² + σ_e²·P.
 *   ZF    w = conj(ĥ)/|ĥ|²               error variance σ_eff²/|ĥ|²
 *   MMSE  w = conj(ĥ)/(|ĥ|² + σ_eff²/P)   error variance P·σ_eff²/(P·|ĥ|² + σ_eff²)
 * MMSE output is biased (shrunk by |ĥ|²/(|ĥ|² + σ_eff²/P)) and has the smaller mean squared error.
 */
import type { Complex } from './fading';
import { gaussian } from './gaussian';
import type { Xoshiro128 } from './rng';

export type EqualizerKind = 'zf' | 'mmse';

export interface Equalizer {
  kind: EqualizerKind;
  w: Complex;
  /** Expected squared error per real dimension of w·y against s, in the units of s. */
  errorVariance: number;
}

export function designEqualizer(
  kind: EqualizerKind,
  hEst: Complex,
  noiseVariance: number,
  csiErrorVariance: number,
  signalPower: number,
): Equalizer {
  const g2 = hEst.re * hEst.re + hEst.im * hEst.im;
  const eff = noiseVariance + csiErrorVariance * signalPower;
  if (kind === 'zf') {
    return { kind, w: { re: hEst.re / g2, im: -hEst.im / g2 }, errorVariance: eff / g2 };
  }
  const d = g2 + (signalPower > 0 ? eff / signalPower : 0);
  return {
    kind,
    w: { re: hEst.re / d, im: -hEst.im / d },
    errorVariance: signalPower > 0 ? (signalPower * eff) / (signalPower * g2 + eff) : 0,
  };
}

/**
 * In place on interleaved complex symbols [I0, Q0, …]: s ← w·(h·s + n), n ~ CN(0, 2·noiseStd²)
 * (noiseStd per real dimension, I then Q drawn from `rng`).
 */
export function applyFadingChannel(
  sym: Float64Array,
  h: Complex,
  w: Complex,
  noiseStd: number,
  rng: Xoshiro128,
): void {
  for (let k = 0; k < sym.length; k += 2) {
    const sr = sym[k]!;
    const si = sym[k + 1]!;
    const yr = h.re * sr - h.im * si + noiseStd * gaussian(rng);
    const yi = h.re * si + h.im * sr + noiseStd * gaussian(rng);
    sym[k] = w.re * yr - w.im * yi;
    sym[k + 1] = w.re * yi + w.im * yr;
  }
}
