/**
 * Peak signal-to-noise ratio over the RGB channels of two 8-bit images (alpha ignored):
 * PSNR = 10·log10(255² / MSE). Identical images give +Infinity.
 */
import { checkSameSize, type RgbaImage } from './image';

export function mseRgb(a: RgbaImage, b: RgbaImage): number {
  checkSameSize(a, b, 'mse');
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a.data[i + c]! - b.data[i + c]!;
      sum += d * d;
    }
  }
  return sum / (a.width * a.height * 3);
}

export function psnr(a: RgbaImage, b: RgbaImage): number {
  const mse = mseRgb(a, b);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
