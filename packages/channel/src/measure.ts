/** Power and error measurements on latents (float64 accumulation). */

/** P = mean(x²) per element; TypeError if the tensor holds NaN or ±Infinity. */
export function signalPower(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  if (!Number.isFinite(s)) throw new TypeError('latent contains non-finite values (NaN or Infinity)');
  return s / x.length;
}

/** mean((y − x)²) over the elements not flagged in `erased` (all when null); NaN if none count. */
export function meanSquaredError(x: Float32Array, y: Float32Array, erased: Uint8Array | null): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (erased && erased[i]) continue;
    const d = y[i]! - x[i]!;
    s += d * d;
    n++;
  }
  return n > 0 ? s / n : NaN;
}

/** 10·log10(P/mse), or null where undefined (no signal, no error, nothing delivered). */
export function measuredSnrDb(power: number, mse: number): number | null {
  if (!(power > 0) || !(mse > 0) || !Number.isFinite(mse)) return null;
  return 10 * Math.log10(power / mse);
}
