import * as fs from 'node:fs';
import * as path from 'node:path';

import { BundleError } from './errors';
import type { TensorDtype } from './manifest';
import { DEFAULT_BUNDLE_DIR } from './paths';

/** One array of a fixture case: a raw little-endian file. */
export interface ArrayEntry {
  file: string;
  dtype: TensorDtype;
  shape: number[];
}

export interface FixtureCase {
  name: string;
  kind: 'edge' | 'split';
  prompt: string;
  seed: number;
  guidance_scale: number;
  num_inference_steps: number;
  timesteps: number[];
  eta: number;
  /** input_ids, uncond_input_ids, text_cond, text_uncond, initial_noise, latents, image; split cases add more. */
  files: Record<string, ArrayEntry>;
  handoff_step?: number;
  snr_db?: number;
  sigma2?: number;
}

export interface FixtureIndex {
  latent_scaling_factor: number;
  initial_noise_procedure: string;
  cfg_batch_order: string;
  cases: FixtureCase[];
}

export function readFixtureIndex(dir: string = DEFAULT_BUNDLE_DIR): FixtureIndex {
  const file = path.join(dir, 'fixtures', 'index.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as FixtureIndex;
  } catch (cause) {
    throw new BundleError(`[bundle:${dir}] cannot read fixtures/index.json`, { cause });
  }
}

/** Load one fixture array as a typed array (a copy, so it is aligned whatever the Buffer pool did). */
export function readFixtureArray(
  entry: ArrayEntry,
  dir: string = DEFAULT_BUNDLE_DIR,
): Float32Array | Int32Array {
  const buf = fs.readFileSync(path.join(dir, 'fixtures', entry.file));
  const bytes = new Uint8Array(buf).buffer;
  const arr = entry.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  const want = entry.shape.reduce((a, b) => a * b, 1);
  if (arr.length !== want) {
    throw new BundleError(
      `[fixture:${entry.file}] ${arr.length} elements, shape ${entry.shape.join('x')} expected`,
    );
  }
  return arr;
}
