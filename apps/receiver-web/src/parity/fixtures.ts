/**
 * The bundle's parity fixtures, read over HTTP: fixtures/index.json and raw little-endian
 * .bin arrays (the format packages/models/src/fixtures.ts reads from disk in Node; its types
 * are repeated here because that package is Node-only).
 */
import type { BundleSource } from '@semaigc/diffusion';

export interface ArrayEntry {
  file: string;
  /** 'float32' or 'int32'. */
  dtype: string;
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
  files: Record<string, ArrayEntry>;
  handoff_step?: number;
  sigma2?: number;
}

export interface FixtureIndex {
  cases: FixtureCase[];
}

export class FixtureReader {
  constructor(private readonly source: BundleSource) {}

  async index(): Promise<FixtureIndex> {
    const bytes = await this.source.readBytes('fixtures/index.json');
    const idx = JSON.parse(new TextDecoder().decode(bytes)) as Partial<FixtureIndex>;
    if (!Array.isArray(idx.cases))
      throw new TypeError(`${this.source.location}/fixtures/index.json has no cases`);
    return idx as FixtureIndex;
  }

  /** One array of a case, checked against its shape. */
  async array(c: FixtureCase, key: string): Promise<Float32Array | Int32Array> {
    const e = c.files[key];
    if (!e) throw new TypeError(`fixture ${c.name} has no '${key}' array`);
    const bytes = await this.source.readBytes(`fixtures/${e.file}`);
    // A copy, so the view is aligned whatever offset the bytes had.
    const buf = bytes.slice().buffer;
    const arr = e.dtype === 'int32' ? new Int32Array(buf) : new Float32Array(buf);
    const want = e.shape.reduce((a, b) => a * b, 1);
    if (arr.length !== want)
      throw new TypeError(`fixture ${e.file}: ${arr.length} elements, shape ${e.shape.join('x')} expected`);
    return arr;
  }

  async f32(c: FixtureCase, key: string): Promise<Float32Array> {
    const a = await this.array(c, key);
    if (!(a instanceof Float32Array)) throw new TypeError(`fixture ${c.name}/${key} is not float32`);
    return a;
  }
}
