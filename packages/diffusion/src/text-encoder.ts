/**
 * Text encoding: tokenize, run text_encoder/model.onnx, return [1, L, D] hidden states.
 * The unconditional states (empty prompt, for classifier-free guidance) are computed once
 * per loaded bundle and reused.
 */
import type { LoadedBundle } from './bundle/load';
import { feed, readFloat32 } from './dtype';
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
  const spec = bundle.manifest.components.text_encoder;
  const input = spec.inputs.find((x) => x.name === 'input_ids') ?? spec.inputs[0]!;
  // CLIP exports give last_hidden_state and pooler_output; the UNet wants the first.
  const output = spec.outputs.find((x) => x.name === 'last_hidden_state') ?? spec.outputs[0]!;
  const where = `${spec.file}: '${input.name}'`;
  const out = await session.run({ [input.name]: feed(ort, input.dtype, ids, [1, ids.length], where) }, [
    output.name,
  ]);
  for (const [k, t] of Object.entries(out)) if (k !== output.name) t.dispose();
  return readFloat32(out[output.name]!, `${spec.file}: '${output.name}'`);
}

export function textDims(bundle: LoadedBundle): [number, number] {
  return [bundle.tokenizer.maxLength, bundle.manifest.text.hidden_size];
}
