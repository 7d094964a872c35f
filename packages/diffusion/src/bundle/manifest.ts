/**
 * The bundle manifest (manifest.json, format "semaigc-bundle/1"): which ONNX files exist,
 * their input/output names, dtypes and shapes, the latent scaling factor and the tokenizer.
 * Only the fields the runtime needs are typed; the rest (metrics, seeds, config) is kept as
 * unknown. A real SD v1.5 ONNX export can be used by writing a manifest in this format next
 * to it (README: "Using another bundle").
 */
import { BundleError } from '../errors';

export type Dim = number | string;

export interface IoSpec {
  name: string;
  dtype: 'float32' | 'int32' | 'int64' | 'float16';
  shape: Dim[];
}

export interface ComponentSpec {
  file: string;
  inputs: IoSpec[];
  outputs: IoSpec[];
}

export const REQUIRED_COMPONENTS = ['text_encoder', 'unet', 'vae_decoder'] as const;
export const OPTIONAL_COMPONENTS = ['unet_finetune', 'vae_encoder', 'checker'] as const;
export type ComponentName = (typeof REQUIRED_COMPONENTS)[number] | (typeof OPTIONAL_COMPONENTS)[number];

export interface BundleManifest {
  format: string;
  name: string;
  components: Partial<Record<ComponentName, ComponentSpec>>;
  tokenizer: { type: 'word-level'; vocab: string; config: string; max_length: number };
  scheduler: string;
  latent: { channels: number; height: number; width: number; scaling_factor: number };
  image: { height: number; width: number; channels: number };
  text: { hidden_size: number; uncond_prompt: string };
  guidance_scale: number;
  num_inference_steps: number;
  grammar?: string;
  fixtures?: string;
  checker?: { attributes: Record<string, string[]> };
  [extra: string]: unknown;
}

function fail(field: string, what: string): never {
  throw new BundleError(`manifest.json: ${field} ${what}`);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkIo(list: unknown, field: string): IoSpec[] {
  if (!Array.isArray(list) || list.length === 0) fail(field, 'must be a non-empty list');
  return list.map((io, i) => {
    if (!isObj(io) || typeof io['name'] !== 'string') fail(`${field}[${i}].name`, 'must be a string');
    if (!['float32', 'int32', 'int64', 'float16'].includes(io['dtype'] as string)) {
      fail(`${field}[${i}].dtype`, `'${String(io['dtype'])}' is not a supported dtype`);
    }
    if (!Array.isArray(io['shape'])) fail(`${field}[${i}].shape`, 'must be a list');
    return io as unknown as IoSpec;
  });
}

/** Validates the parts of manifest.json the runtime relies on; errors name the field. */
export function parseManifest(json: unknown): BundleManifest {
  if (!isObj(json)) fail('(root)', 'must be an object');
  if (typeof json['format'] !== 'string' || !json['format'].startsWith('semaigc-bundle/')) {
    fail('format', `must be 'semaigc-bundle/<n>', got ${JSON.stringify(json['format'])}`);
  }
  const comps = json['components'];
  if (!isObj(comps)) fail('components', 'must be an object');
  for (const name of REQUIRED_COMPONENTS) if (!(name in comps)) fail(`components.${name}`, 'is required');
  for (const [name, c] of Object.entries(comps)) {
    if (!isObj(c) || typeof c['file'] !== 'string') fail(`components.${name}.file`, 'must be a path');
    checkIo(c['inputs'], `components.${name}.inputs`);
    checkIo(c['outputs'], `components.${name}.outputs`);
  }
  const lat = json['latent'];
  if (!isObj(lat) || typeof lat['scaling_factor'] !== 'number' || !(lat['scaling_factor'] > 0)) {
    fail('latent.scaling_factor', 'must be a number > 0');
  }
  for (const k of ['channels', 'height', 'width'] as const) {
    if (!Number.isInteger(lat[k]) || (lat[k] as number) < 1)
      fail(`latent.${k}`, 'must be a positive integer');
  }
  const tok = json['tokenizer'];
  if (!isObj(tok) || tok['type'] !== 'word-level') fail('tokenizer.type', "must be 'word-level'");
  if (typeof tok['vocab'] !== 'string' || typeof tok['config'] !== 'string')
    fail('tokenizer.vocab/config', 'must be paths');
  if (typeof json['scheduler'] !== 'string') fail('scheduler', 'must be the path of scheduler_config.json');
  if (typeof json['guidance_scale'] !== 'number') fail('guidance_scale', 'must be a number');
  return json as unknown as BundleManifest;
}

/** Element count of a latent [1, C, H, W]. */
export function latentSize(m: BundleManifest): number {
  return m.latent.channels * m.latent.height * m.latent.width;
}
