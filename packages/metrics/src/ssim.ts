/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) with the paper's defaults:
 * an 11×11 Gaussian window (σ = 1.5), K1 = 0.01, K2 = 0.03, L = 255. Computed per RGB
 * channel over the valid window positions and averaged (as scikit-image does with
 * channel_axis), so it is in [−1, 1] and 1 only for identical images.
 */
import { checkSameSize, type RgbaImage } from './image';

export interface SsimOptions {
  windowSize?: number;
  sigma?: number;
  k1?: number;
  k2?: number;
}

export const DEFAULT_SSIM_OPTIONS: Required<SsimOptions> = { windowSize: 11, sigma: 1.5, k1: 0.01, k2: 0.03 };

function gaussianKernel(size: number, sigma: number): Float64Array {
  const k = new Float64Array(size);
  const c = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    k[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
    sum += k[i]!;
  }
  for (let i = 0; i < size; i++) k[i]! /= sum;
  return k;
}

/** Separable 'valid' filtering of a w×h plane; returns a (w−n+1)×(h−n+1) plane. */
function filterValid(src: Float64Array, w: number, h: number, k: Float64Array): Float64Array {
  const n = k.length;
  const ow = w - n + 1;
  const oh = h - n + 1;
  const tmp = new Float64Array(ow * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += k[i]! * src[y * w + x + i]!;
      tmp[y * ow + x] = s;
    }
  }
  const out = new Float64Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += k[i]! * tmp[(y + i) * ow + x]!;
      out[y * ow + x] = s;
    }
  }
  return out;
}

export function ssim(a: RgbaImage, b: RgbaImage, options: SsimOptions = {}): number {
  checkSameSize(a, b, 'ssim');
  const { windowSize, sigma, k1, k2 } = { ...DEFAULT_SSIM_OPTIONS, ...options };
  const { width: w, height: h } = a;
  // Small images: shrink the window to fit rather than fail (documented behaviour).
  const n = Math.min(windowSize, w, h) | 1;
  const kernel = gaussianKernel(n, sigma);
  const c1 = (k1 * 255) ** 2;
  const c2 = (k2 * 255) ** 2;
  const size = w * h;
  let total = 0;
  for (let c = 0; c < 3; c++) {
    const x = new Float64Array(size);
    const y = new Float64Array(size);
    const xx = new Float64Array(size);
    const yy = new Float64Array(size);
    const xy = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const p = a.data[i * 4 + c]!;
      const q = b.data[i * 4 + c]!;
      x[i] = p;
      y[i] = q;
      xx[i] = p * p;
      yy[i] = q * q;
      xy[i] = p * q;
    }
    const mx = filterValid(x, w, h, kernel);
    const my = filterValid(y, w, h, kernel);
    const sxx = filterValid(xx, w, h, kernel);
    const syy = filterValid(yy, w, h, kernel);
    const sxy = filterValid(xy, w, h, kernel);
    let sum = 0;
    for (let i = 0; i < mx.length; i++) {
      const ux = mx[i]!;
      const uy = my[i]!;
      const vx = sxx[i]! - ux * ux;
      const vy = syy[i]! - uy * uy;
      const cxy = sxy[i]! - ux * uy;
      sum += ((2 * ux * uy + c1) * (2 * cxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
    }
    total += sum / mx.length;
  }
  return total / 3;
}
