/**
 * The bundle's reference fixtures (fixtures/index.json and raw little-endian .bin arrays),
 * written by the pre-training pipeline from PyTorch: for each case the prompt, seed,
 * timesteps and the arrays every stage produced (token ids, text states, initial noise,
 * the latent after every DDIM step, the decoded image; split cases add the hand-off
 * latent, the channel noise and the receiver's noise levels).
 *
 * One reader over `BundleSource`, so the same code reads them from a directory (Node:
 * packages/models' `dirBundleSource`) and over HTTP (the browser parity page).
 */
import { z } from 'zod';
import { BundleError } from '../errors';
import { readJson, type BundleSource } from './source';
import { parseBundleJson } from './validate';

/** Where the index lives when the manifest does not say (manifest.fixtures). */
export const FIXTURE_INDEX_FILE = 'fixtures/index.json';

const arrayEntrySchema = z.looseObject({
  file: z.string({ error: 'must be a file name' }).min(1, 'must be a file name'),
  dtype: z.enum(['float32', 'int32'], { error: "must be 'float32' or 'int32'" }),
  shape: z.array(z.number().int().min(0), { error: 'must be a list of dims' }),
});
/** One array of a fixture case: a raw little-endian file next to the index. */
export type ArrayEntry = z.output<typeof arrayEntrySchema>;

const fixtureCaseSchema = z.looseObject({
  name: z.string({ error: 'must be a string' }),
  kind: z.enum(['edge', 'split'], { error: "must be 'edge' or 'split'" }),
  prompt: z.string({ error: 'must be a string' }),
  seed: z.number({ error: 'must be a number' }).int(),
  guidance_scale: z.number({ error: 'must be a number' }),
  num_inference_steps: z.number({ error: 'must be an integer >= 1' }).int().min(1),
  timesteps: z.array(z.number().int(), { error: 'must be a list of integers' }),
  eta: z.number().optional(),
  /** input_ids, uncond_input_ids, text_cond, text_uncond, initial_noise, latents, image; split cases add more. */
  files: z.record(z.string(), arrayEntrySchema, { error: 'must be an object of arrays' }),
  /** Split cases: the edge ran `handoff_step` steps; the channel at `snr_db` had variance `sigma2`. */
  handoff_step: z.number().int().min(0).optional(),
  snr_db: z.number().optional(),
  sigma2: z.number().min(0).optional(),
});
export type FixtureCase = z.output<typeof fixtureCaseSchema>;

const fixtureIndexSchema = z.looseObject(
  {
    latent_scaling_factor: z.number({ error: 'must be a number > 0' }).gt(0),
    initial_noise_procedure: z.string().optional(),
    cfg_batch_order: z.string().optional(),
    cases: z.array(fixtureCaseSchema, { error: 'must be a list of cases' }),
  },
  { error: 'must be an object' },
);
export type FixtureIndex = z.output<typeof fixtureIndexSchema>;

/** Validates a parsed fixtures/index.json; BundleError names `file` and the field. */
export function parseFixtureIndex(json: unknown, file: string = FIXTURE_INDEX_FILE): FixtureIndex {
  return parseBundleJson(fixtureIndexSchema, json, file);
}

/** Raw little-endian bytes as the entry's typed array, checked against its shape. */
export function decodeFixtureArray(
  entry: ArrayEntry,
  bytes: Uint8Array,
  where: string,
): Float32Array | Int32Array {
  if (bytes.byteLength % 4 !== 0)
    throw new BundleError(`${where}: ${bytes.byteLength} bytes, not a multiple of 4`);
  // A copy, so the view is aligned whatever offset the bytes had.
  const buf = bytes.slice().buffer;
  const arr = entry.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
  const want = entry.shape.reduce((a, b) => a * b, 1);
  if (arr.length !== want) {
    throw new BundleError(`${where}: ${arr.length} elements, shape ${entry.shape.join('x')} expected`);
  }
  return arr;
}

export class FixtureReader {
  private readonly dir: string;
  private cached: Promise<FixtureIndex> | null = null;

  /** `indexPath` is relative to the bundle (manifest.fixtures); arrays are next to it. */
  constructor(
    readonly source: BundleSource,
    readonly indexPath: string = FIXTURE_INDEX_FILE,
  ) {
    const slash = indexPath.lastIndexOf('/');
    this.dir = slash >= 0 ? indexPath.slice(0, slash + 1) : '';
  }

  /** The parsed index (read once). */
  index(): Promise<FixtureIndex> {
    this.cached ??= readJson(this.source, this.indexPath).then((json) =>
      parseFixtureIndex(json, `${this.source.location}/${this.indexPath}`),
    );
    return this.cached;
  }

  /** One array of a case, checked against its shape. */
  async array(c: FixtureCase, key: string): Promise<Float32Array | Int32Array> {
    const entry = c.files[key];
    if (!entry)
      throw new BundleError(
        `${this.source.location}/${this.indexPath}: case ${c.name} has no '${key}' array`,
      );
    const path = `${this.dir}${entry.file}`;
    return decodeFixtureArray(entry, await this.source.readBytes(path), `${this.source.location}/${path}`);
  }

  async f32(c: FixtureCase, key: string): Promise<Float32Array> {
    const a = await this.array(c, key);
    if (!(a instanceof Float32Array))
      throw new BundleError(`fixture ${c.name}/${key} is ${c.files[key]?.dtype}, not float32`);
    return a;
  }

  async i32(c: FixtureCase, key: string): Promise<Int32Array> {
    const a = await this.array(c, key);
    if (!(a instanceof Int32Array))
      throw new BundleError(`fixture ${c.name}/${key} is ${c.files[key]?.dtype}, not int32`);
    return a;
  }
}
