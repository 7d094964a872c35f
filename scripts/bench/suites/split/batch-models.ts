/**
 * Batched VAE decode and caption checker for the split benchmark (the library's decode and
 * checker run one image per call, as a receiver does; the bench scores ~10⁵ images). Both
 * follow the library's conventions: z₀ / scaling_factor into the decoder, [−1, 1] images into
 * the checker, attributes read from `<attribute>_logits`.
 */
import { toRgba, type CaptionAttributes, type SplitPipeline } from '@semaigc/diffusion';

const CHUNK = 64;

export interface ScoredImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  /** Checker features for the Fréchet distance (see `featureSource`). */
  features: Float32Array;
  predicted: CaptionAttributes;
}

/** Which checker outputs the features are: a 'features' output if the model has one, else the logits. */
export function featureSource(p: SplitPipeline): string {
  const names = p.bundle.session('checker').outputNames;
  return names.includes('features')
    ? "the checker's 'features' output"
    : `the checker's attribute logits, concatenated (${names.length} heads; the model exposes no penultimate layer)`;
}

async function decodeChunk(p: SplitPipeline, latents: Float32Array[]): Promise<Float32Array[]> {
  const { channels: c, height: h, width: w, scaling_factor: sf } = p.bundle.manifest.latent;
  const n = c * h * w;
  const x = new Float32Array(latents.length * n);
  latents.forEach((z, i) => {
    for (let k = 0; k < n; k++) x[i * n + k] = z[k]! / sf;
  });
  const s = p.bundle.session('vae_decoder');
  const out = await s.run({ [s.inputNames[0]!]: new p.ort.Tensor('float32', x, [latents.length, c, h, w]) });
  const t = out[s.outputNames[0]!]!;
  const data = t.data as Float32Array;
  const m = data.length / latents.length;
  const raws = latents.map((_, i) => data.slice(i * m, (i + 1) * m));
  t.dispose();
  return raws;
}

async function checkChunk(
  p: SplitPipeline,
  raws: Float32Array[],
): Promise<{ features: Float32Array; predicted: CaptionAttributes }[]> {
  const spec = p.bundle.manifest.checker;
  if (!spec) throw new Error('split bench: the bundle has no caption checker (manifest.checker)');
  const { channels: c, height: h, width: w } = p.bundle.manifest.image;
  const m = c * h * w;
  const x = new Float32Array(raws.length * m);
  raws.forEach((r, i) => x.set(r, i * m));
  const s = p.bundle.session('checker');
  const out = await s.run({ [s.inputNames[0]!]: new p.ort.Tensor('float32', x, [raws.length, c, h, w]) });
  const attrs = Object.entries(spec.attributes);
  const heads = attrs.map(([attr]) => {
    const t = out[`${attr}_logits`];
    if (!t) throw new Error(`split bench: checker output '${attr}_logits' is missing`);
    return t.data as Float32Array;
  });
  const feat = out['features']?.data as Float32Array | undefined;
  const res = raws.map((_, i) => {
    const predicted: CaptionAttributes = {};
    const parts: Float32Array[] = [];
    attrs.forEach(([attr, labels], k) => {
      const row = heads[k]!.subarray(i * labels.length, (i + 1) * labels.length);
      let best = 0;
      for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
      predicted[attr] = labels[best]!;
      parts.push(row);
    });
    let features: Float32Array;
    if (feat) {
      const d = feat.length / raws.length;
      features = feat.slice(i * d, (i + 1) * d);
    } else {
      features = new Float32Array(parts.reduce((a, r) => a + r.length, 0));
      let o = 0;
      for (const r of parts) {
        features.set(r, o);
        o += r.length;
      }
    }
    return { features, predicted };
  });
  for (const t of Object.values(out)) t.dispose();
  return res;
}

/** Decodes final latents and runs the checker on the images, CHUNK at a time. */
export async function decodeAndCheck(p: SplitPipeline, latents: Float32Array[]): Promise<ScoredImage[]> {
  const { height: H, width: W } = p.bundle.manifest.image;
  const out: ScoredImage[] = [];
  for (let i = 0; i < latents.length; i += CHUNK) {
    const raws = await decodeChunk(p, latents.slice(i, i + CHUNK));
    const checked = await checkChunk(p, raws);
    raws.forEach((r, k) => out.push({ width: W, height: H, data: toRgba(r, W, H), ...checked[k]! }));
  }
  return out;
}

/** Share of the caption's attributes the checker recovered. */
export function consistencyOf(expected: CaptionAttributes, predicted: CaptionAttributes): number {
  const keys = Object.keys(expected);
  return keys.filter((k) => predicted[k] === expected[k]).length / keys.length;
}
