/** RGBA8 pixels → PNG bytes (pngjs), for runs/<trial>/images/<requestId>.png. */
import { PNG } from 'pngjs';

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.byteLength !== width * height * 4) {
    throw new TypeError(
      `encodePng: ${width}x${height} RGBA needs ${width * height * 4} bytes, got ${rgba.byteLength}`,
    );
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png);
}
