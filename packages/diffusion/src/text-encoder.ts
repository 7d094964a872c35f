/**
 * Text encoding: tokenize, run text_encoder/model.onnx, return [1, L, D] hidden states.
 * The unconditional states (empty prompt, for classifier-free guidance) are computed once
 * per loaded bundle and reused.
 */
import type { LoadedBundle } from './bundle/load';
import type { OrtModule } from './ort';

export interface TextStates {
  /** Conditional states [1, L, D]. */
  cond: Float32Array;
  /** Unconditional states [1, L, D] (the empty prompt). */
  uncond: Float32Array;
  /** [L, D] */
  dims: [number, number];
}

export async function encodeIds(
  bundle: LoadedBundle,
  ort: OrtModule,
  ids: Int32Array,
): Promise<Float32Array> {
  const session = bundle.session('text_encoder');
  const input = new ort.Tensor('int32', ids, [1, ids.length]);
  const out = await session.run({ [session.inputNames[0]!]: input });
  const t = out[session.outputNames[0]!]!;
  const data = new Float32Array(t.data as Float32Array); // copy: the runtime may reuse its buffer
  t.dispose();
  return data;
}

export function textDims(bundle: LoadedBundle): [number, number] {
  return [bundle.tokenizer.maxLength, bundle.manifest.text.hidden_size];
}
