import { psnr, mseRgb } from '../src/psnr';
import { ssim } from '../src/ssim';
import type { RgbaImage } from '../src/image';

function image(w: number, h: number, f: (x: number, y: number, c: number) => number): RgbaImage {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) data[(y * w + x) * 4 + c] = f(x, y, c);
      data[(y * w + x) * 4 + 3] = 255;
    }
  return { width: w, height: h, data };
}

const base = image(32, 32, (x, y, c) => (x * 7 + y * 3 + c * 40) % 256);

test('PSNR of identical images is infinite and of a known offset is exact', () => {
  expect(psnr(base, base)).toBe(Infinity);
  const shifted = image(
    32,
    32,
    (x, y, c) => ((x * 7 + y * 3 + c * 40) % 256) + ((x * 7 + y * 3 + c * 40) % 256 < 250 ? 5 : -5),
  );
  expect(mseRgb(base, shifted)).toBe(25);
  expect(psnr(base, shifted)).toBeCloseTo(10 * Math.log10((255 * 255) / 25), 10);
});

test('alpha is ignored', () => {
  const other = { ...base, data: base.data.map((v, i) => (i % 4 === 3 ? 0 : v)) };
  expect(psnr(base, other)).toBe(Infinity);
});

test('SSIM is 1 for identical images, falls with noise, and tolerates a uniform offset', () => {
  expect(ssim(base, base)).toBeCloseTo(1, 12);
  let s = 12345;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 60 - 30;
  const noisy = image(32, 32, (x, y, c) => ((x * 7 + y * 3 + c * 40) % 256) + rand());
  const v = ssim(base, noisy);
  expect(v).toBeLessThan(0.99);
  expect(v).toBeGreaterThan(0.3);
  const worse = image(32, 32, (x, y, c) => ((x * 7 + y * 3 + c * 40) % 256) + 3 * rand());
  expect(ssim(base, worse)).toBeLessThan(v);
  // Luminance-only change: a uniform offset keeps structure, so SSIM stays high.
  const brighter = image(32, 32, (x, y, c) => Math.min(255, ((x * 7 + y * 3 + c * 40) % 256) + 2));
  expect(ssim(base, brighter)).toBeGreaterThan(0.95);
});

test('size mismatches are rejected with the sizes', () => {
  expect(() =>
    psnr(
      base,
      image(16, 32, () => 0),
    ),
  ).toThrow(/32x32 vs 16x32/);
  expect(() => ssim(base, { width: 32, height: 32, data: new Uint8Array(10) })).toThrow(
    /needs 4096 bytes, got 10/,
  );
});
