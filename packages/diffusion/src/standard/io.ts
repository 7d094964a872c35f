/**
 * Input/output specs of a standard export, read from the ONNX sessions themselves: names,
 * dtypes (float32/float16, int32/int64) and shapes (symbolic dims as strings). The checks
 * below are the ones a mismatched export fails first, each naming the file and the tensor.
 */
import {
  TENSOR_DTYPES,
  type BundleManifest,
  type ComponentName,
  type IoSpec,
  type TensorDtype,
} from '../bundle/manifest';
import { BundleError } from '../errors';
import type { InferenceSession } from '../ort';

/** The tensors the pipeline feeds and reads, per component of a standard export. */
export const REQUIRED_TENSORS: Partial<Record<ComponentName, { inputs: string[]; outputs: string[] }>> = {
  text_encoder: { inputs: ['input_ids'], outputs: ['last_hidden_state'] },
  unet: { inputs: ['sample', 'timestep', 'encoder_hidden_states'], outputs: ['out_sample'] },
  vae_decoder: { inputs: ['latent_sample'], outputs: ['sample'] },
};

function specs(
  names: readonly string[],
  meta: readonly InferenceSession.ValueMetadata[] | undefined,
  where: string,
): IoSpec[] {
  return names.map((name) => {
    const m = meta?.find((x) => x.name === name);
    if (!m) throw new BundleError(`${where}: the runtime reports no metadata for '${name}'`);
    if (!m.isTensor) throw new BundleError(`${where}: '${name}' is not a tensor`);
    if (!(TENSOR_DTYPES as readonly string[]).includes(m.type))
      throw new BundleError(
        `${where}: tensor '${name}' has dtype ${m.type} (supported: ${TENSOR_DTYPES.join(', ')})`,
      );
    return { name, dtype: m.type as TensorDtype, shape: [...m.shape] };
  });
}

/** What a session says about its inputs and outputs. */
export function sessionIo(session: InferenceSession, where: string): { inputs: IoSpec[]; outputs: IoSpec[] } {
  return {
    inputs: specs(session.inputNames, session.inputMetadata, where),
    outputs: specs(session.outputNames, session.outputMetadata, where),
  };
}

/** Static dim i of a tensor, or null when symbolic. */
const dim = (s: IoSpec | undefined, i: number): number | null =>
  typeof s?.shape[i] === 'number' ? s.shape[i] : null;

/**
 * Checks a standard manifest whose io came from the sessions: the tensors the pipeline uses
 * exist, and the static dims agree with each other and with the requested image size.
 */
export function checkStandardIo(m: BundleManifest, location: string): void {
  for (const [name, need] of Object.entries(REQUIRED_TENSORS)) {
    const spec = m.components[name as ComponentName];
    if (!spec || !need) continue;
    const where = `${location}/${spec.file}`;
    for (const [kind, list, have] of [
      ['input', need.inputs, spec.inputs],
      ['output', need.outputs, spec.outputs],
    ] as const) {
      for (const t of list) {
        if (!have.some((x) => x.name === t))
          throw new BundleError(
            `${where}: no ${kind} tensor '${t}' (has ${have.map((x) => x.name).join(', ')}); a Stable Diffusion export names it so`,
          );
      }
    }
  }
  const io = (c: ComponentName, kind: 'inputs' | 'outputs', t: string): IoSpec | undefined =>
    m.components[c]?.[kind].find((x) => x.name === t);
  const file = (c: ComponentName): string => `${location}/${m.components[c]?.file ?? c}`;
  const sample = io('unet', 'inputs', 'sample');
  const want: [number, number, string][] = [
    [1, m.latent.channels, 'channels'],
    [2, m.latent.height, 'height'],
    [3, m.latent.width, 'width'],
  ];
  for (const [i, v, what] of want) {
    const d = dim(sample, i);
    if (d !== null && d !== v)
      throw new BundleError(
        `${file('unet')}: input 'sample' has ${what} ${d}, the bundle needs ${v} (image ${m.image.height}x${m.image.width}); choose an image size the UNet accepts`,
      );
  }
  const latentIn = io('vae_decoder', 'inputs', 'latent_sample');
  if (dim(latentIn, 1) !== null && dim(latentIn, 1) !== m.latent.channels)
    throw new BundleError(
      `${file('vae_decoder')}: input 'latent_sample' has ${dim(latentIn, 1)} channels, the UNet's latent has ${m.latent.channels}`,
    );
  const states = io('text_encoder', 'outputs', 'last_hidden_state');
  const ehs = io('unet', 'inputs', 'encoder_hidden_states');
  const d = dim(states, 2) ?? dim(ehs, 2);
  if (dim(states, 2) !== null && dim(ehs, 2) !== null && dim(states, 2) !== dim(ehs, 2))
    throw new BundleError(
      `${file('unet')}: input 'encoder_hidden_states' has width ${dim(ehs, 2)}, ${file('text_encoder')} output 'last_hidden_state' has ${dim(states, 2)}`,
    );
  if (d !== null && d !== m.text.hidden_size)
    throw new BundleError(
      `${file('text_encoder')}: 'last_hidden_state' has width ${d}, the configs say ${m.text.hidden_size}`,
    );
  const ids = io('text_encoder', 'inputs', 'input_ids');
  if (ids && !['int32', 'int64'].includes(ids.dtype))
    throw new BundleError(
      `${file('text_encoder')}: input 'input_ids' has dtype ${ids.dtype}, int32 or int64 expected`,
    );
  const len = dim(ids, 1);
  if (len !== null && len !== m.tokenizer.max_length)
    throw new BundleError(
      `${file('text_encoder')}: input 'input_ids' has length ${len}, the tokenizer pads to ${m.tokenizer.max_length}`,
    );
}
