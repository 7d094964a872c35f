/**
 * VAE decode: z0 (scaled latent) → vae_decoder(z0 / scaling_factor) → image in [−1, 1]
 * → RGBA bytes with round((clamp(x, −1, 1) + 1)·127.5), alpha 255.
 */
import type { LoadedBundle } from './bundle/load';
import { feed, readFloat32 } from './dtype';
import type { OrtModule } from './ort';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, row-major. */
  data: Uint8ClampedArray;
  /** The decoder's raw output [1, 3, H, W] in about [−1, 1] (for the caption checker). */
  raw: Float32Array;
}

export async function decodeLatent(
  bundle: LoadedBundle,
  ort: OrtModule,
  z0: Float32Array,
): Promise<DecodedImage> {
  const { channels: c, height: h, width: w, scaling_factor: sf } = bundle.manifest.latent;
  const scaled = new Float32Array(z0.length);
  for (let i = 0; i < z0.length; i++) scaled[i] = z0[i]! / sf;
  const session = bundle.session('vae_decoder');
  const spec = bundle.manifest.components.vae_decoder;
  const input = spec.inputs.find((x) => x.name === 'latent_sample') ?? spec.inputs[0]!;
  const output = spec.outputs.find((x) => x.name === 'sample') ?? spec.outputs[0]!;
  const out = await session.run({
    [input.name]: feed(ort, input.dtype, scaled, [1, c, h, w], `${spec.file}: '${input.name}'`),
  });
  const raw = readFloat32(out[output.name]!, `${spec.file}: '${output.name}'`);
  const { height: H, width: W } = bundle.manifest.image;
  return { width: W, height: H, data: toRgba(raw, W, H), raw };
}

/** [1, 3, H, W] in [−1, 1] → RGBA bytes. */
export function toRgba(raw: Float32Array, width: number, height: number): Uint8ClampedArray {
  const plane = width * height;
  const out = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let ch = 0; ch < 3; ch++) {
      const x = Math.max(-1, Math.min(1, raw[ch * plane + p]!));
      out[p * 4 + ch] = Math.round((x + 1) * 127.5);
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** RGBA bytes → [1, 3, H, W] in [−1, 1] (for checking images that arrived as pixels). */
export function fromRgba(data: Uint8Array | Uint8ClampedArray, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++)
    for (let ch = 0; ch < 3; ch++) out[ch * plane + p] = data[p * 4 + ch]! / 127.5 - 1;
  return out;
}
