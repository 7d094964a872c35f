import * as fs from 'node:fs';
import * as path from 'node:path';

import { BundleError } from './errors';
import { COMPONENTS, DEFAULT_BUNDLE_DIR } from './paths';
import type { ComponentName } from './paths';

export type TensorDtype = 'float32' | 'int32';

/** One input or output of an ONNX file; the first axis is the dynamic 'batch'. */
export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  shape: (number | 'batch')[];
}

export interface ComponentSpec {
  file: string;
  bytes: number;
  opset: number;
  params: number;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  macs_per_sample?: number;
  onnxruntime_node_max_abs_diff?: number;
}

/** The parts of manifest.json that runtimes rely on (the file holds more: metrics, seeds, machine). */
export interface BundleManifest {
  format: string;
  layout: 'diffusers-onnx';
  name: string;
  mode: 'full' | 'quick';
  components: Record<ComponentName, ComponentSpec>;
  tokenizer: {
    type: string;
    vocab: string;
    config: string;
    max_length: number;
    input_ids_dtype: TensorDtype;
  };
  scheduler: string;
  latent: { channels: number; height: number; width: number; scaling_factor: number };
  image: { height: number; width: number; channels: number; range: [number, number] };
  text: { hidden_size: number; uncond_prompt: string };
  guidance_scale: number;
  num_inference_steps: number;
  checker: { attributes: Record<string, string[]>; outputs: string[] };
  grammar: string;
  fixtures: string;
  parity: string;
  metrics: Record<string, unknown>;
  onnx_parity: { ran: boolean; ok?: boolean; maxAbsDiff?: number; tolerance?: number; reason?: string };
  wall_time_s: Record<string, number>;
  bundle_bytes: number;
}

function need(cond: boolean, field: string, dir: string): void {
  if (!cond) throw new BundleError(`[bundle:${dir}] manifest.json: field ${field} missing or malformed`);
}

function checkTensor(t: unknown, field: string, dir: string): void {
  const s = t as Partial<TensorSpec> | null;
  need(typeof s?.name === 'string', `${field}.name`, dir);
  need(s?.dtype === 'float32' || s?.dtype === 'int32', `${field}.dtype`, dir);
  need(Array.isArray(s?.shape) && s.shape[0] === 'batch', `${field}.shape`, dir);
}

/** Read and check `<dir>/manifest.json`: every component with its file, inputs and outputs. */
export function readManifest(dir: string = DEFAULT_BUNDLE_DIR): BundleManifest {
  if (typeof dir !== 'string' || dir.length === 0) throw new TypeError('readManifest: dir must be a path');
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new BundleError(`[bundle:${dir}] cannot read manifest.json`, { cause });
  }
  const m = raw as Partial<BundleManifest>;
  need(m.layout === 'diffusers-onnx', 'layout', dir);
  need(typeof m.components === 'object' && m.components !== null, 'components', dir);
  for (const name of COMPONENTS) {
    const c = m.components?.[name];
    need(typeof c?.file === 'string', `components.${name}.file`, dir);
    need(Array.isArray(c?.inputs) && c.inputs.length > 0, `components.${name}.inputs`, dir);
    need(Array.isArray(c?.outputs) && c.outputs.length > 0, `components.${name}.outputs`, dir);
    c?.inputs.forEach((t, i) => checkTensor(t, `components.${name}.inputs[${i}]`, dir));
    c?.outputs.forEach((t, i) => checkTensor(t, `components.${name}.outputs[${i}]`, dir));
  }
  need(
    typeof m.latent?.scaling_factor === 'number' && m.latent.scaling_factor > 0,
    'latent.scaling_factor',
    dir,
  );
  need(typeof m.guidance_scale === 'number', 'guidance_scale', dir);
  return m as BundleManifest;
}

/** Absolute path of a component's ONNX file. */
export function componentPath(
  manifest: BundleManifest,
  name: ComponentName,
  dir: string = DEFAULT_BUNDLE_DIR,
): string {
  return path.join(dir, manifest.components[name].file);
}
