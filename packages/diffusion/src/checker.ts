/**
 * Caption consistency, our stand-in for a CLIP score: the bundle's checker CNN predicts the
 * caption attributes (shape, colour, size, position of each object, background, count)
 * from the image; consistency is the share of attributes that match the prompt's.
 */
import type { LoadedBundle } from './bundle/load';
import { BundleError } from './errors';
import { parseCaption, type CaptionAttributes, type CaptionGrammar } from './grammar';
import type { OrtModule } from './ort';

export interface ConsistencyResult {
  /** Matching attributes / all attributes, in [0, 1]. */
  consistency: number;
  /** Every attribute right. */
  exact: boolean;
  predicted: CaptionAttributes;
  expected: CaptionAttributes;
}

export async function predictAttributes(
  bundle: LoadedBundle,
  ort: OrtModule,
  raw: Float32Array,
): Promise<CaptionAttributes> {
  const spec = bundle.manifest.checker;
  if (!spec) throw new BundleError('manifest.json: checker.attributes is missing');
  const { height: h, width: w, channels: c } = bundle.manifest.image;
  const session = bundle.session('checker');
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', raw, [1, c, h, w]) });
  const predicted: CaptionAttributes = {};
  for (const [attr, labels] of Object.entries(spec.attributes)) {
    const t = out[`${attr}_logits`];
    if (!t) throw new BundleError(`checker output '${attr}_logits' is missing`);
    const logits = t.data as Float32Array;
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    predicted[attr] = labels[best]!;
  }
  for (const t of Object.values(out)) t.dispose();
  return predicted;
}

export async function captionConsistency(
  bundle: LoadedBundle,
  ort: OrtModule,
  grammar: CaptionGrammar,
  prompt: string,
  raw: Float32Array,
): Promise<ConsistencyResult> {
  const expected = parseCaption(grammar, prompt);
  const predicted = await predictAttributes(bundle, ort, raw);
  const keys = Object.keys(expected);
  const hits = keys.filter((k) => predicted[k] === expected[k]).length;
  return { consistency: hits / keys.length, exact: hits === keys.length, predicted, expected };
}
