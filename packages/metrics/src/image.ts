/** An RGBA image as decoders and canvases produce it: row-major, 4 bytes per pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export function checkSameSize(a: RgbaImage, b: RgbaImage, what: string): void {
  for (const [name, img] of [
    ['first', a],
    ['second', b],
  ] as const) {
    if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) {
      throw new TypeError(`${what}: ${name} image has invalid size ${img.width}x${img.height}`);
    }
    if (img.data.length !== img.width * img.height * 4) {
      throw new TypeError(
        `${what}: ${name} image is ${img.width}x${img.height} RGBA, needs ${img.width * img.height * 4} bytes, got ${img.data.length}`,
      );
    }
  }
  if (a.width !== b.width || a.height !== b.height) {
    throw new TypeError(`${what}: sizes differ, ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
}
