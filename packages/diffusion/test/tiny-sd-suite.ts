/**
 * The standard-export path on packages/models/tiny-sd (SD v1.x interfaces in Optimum's layout,
 * random weights, written by scripts/pretrain/tiny_sd/make.py) for any injected ONNX Runtime:
 * the CLIP tokenizer against the Python BPE's ids, the manifest built from model_index.json and
 * the sessions, parity with the PyTorch fixtures (fp32 within 1e-4; the fp16 UNet within
 * FP16_TOLERANCE), the UNet at SD's real latent size, and errors that name file and tensor.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InferenceSession } from 'onnxruntime-common';
import { TINY_SD_DIR, dirBundleSource } from '@semaigc/models';
import {
  FixtureReader,
  PARITY_TOLERANCE,
  SplitPipeline,
  decodeFixtureArray,
  edgeCaseParity,
  guidedEps,
  loadBundle,
  maxAbsDiff,
  parseFixtureIndex,
  type ArrayEntry,
  type BundleSource,
  type LoadOptions,
  type OrtModule,
  type ParityCheck,
} from '../src';

/**
 * fp16 UNet (float16 weights and I/O, float32 arithmetic inside) vs the fp32 PyTorch run: each
 * UNet call rounds its inputs and output to binary16 (relative 2^-11 ≈ 4.9e-4) and the DDIM
 * updates carry that along. On onnxruntime-node the 4-step latents (magnitudes up to 14) differ
 * by at most 0.0103 and 0.0065 (relative ~7e-4), the decoded images by 0.0015; the bound has ~3x margin.
 */
export const FP16_TOLERANCE = 3e-2;
/** The full-size UNet call in fp16 vs fp32 PyTorch (one call, outputs of magnitude ≤ 2). */
export const FP16_UNET_TOLERANCE = 5e-3;

interface TokenizerCase {
  text: string;
  ids: number[];
}

interface TinyIndex {
  unet_full_size: { timestep: number; files: Record<string, ArrayEntry> };
  tokenizer_cases: TokenizerCase[];
}

const fixtureFile = path.join(TINY_SD_DIR, 'fixtures', 'index.json');
const rawIndex = JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as unknown;
const index = parseFixtureIndex(rawIndex, fixtureFile);
const extra = rawIndex as TinyIndex;

function fixtureArray(entry: ArrayEntry): Float32Array {
  const file = path.join(TINY_SD_DIR, 'fixtures', entry.file);
  return decodeFixtureArray(entry, new Uint8Array(fs.readFileSync(file)), file) as Float32Array;
}

/** The tiny-sd folder with some files hidden (as if the export did not have them). */
export function withoutFiles(hidden: string[]): BundleSource {
  const dir = dirBundleSource(TINY_SD_DIR);
  return {
    location: dir.location,
    readBytes: (p: string, v?: string) =>
      hidden.includes(p) ? Promise.reject(new Error(`${p}: hidden by the test`)) : dir.readBytes(p, v),
  };
}

/** The fixture's one UNet call at SD size (1x4x64x64, conditional only) vs PyTorch's output. */
async function fullSizeUnetDiff(
  ort: OrtModule,
  sessionOptions: InferenceSession.SessionOptions,
  files: LoadOptions['files'] = {},
): Promise<number> {
  const full = await loadBundle(dirBundleSource(TINY_SD_DIR), ort, {
    sessionOptions,
    components: ['unet'],
    files,
  });
  try {
    expect(full.manifest.latent).toMatchObject({ height: 64, width: 64 });
    const f = extra.unet_full_size;
    const eps = await guidedEps(full, ort, {
      component: 'unet',
      sample: fixtureArray(f.files['sample']!),
      timestep: f.timestep,
      cond: fixtureArray(f.files['encoder_hidden_states']!),
      uncond: new Float32Array(77 * 768),
      guidanceScale: 1, // the conditional call alone, as the fixture
    });
    return maxAbsDiff(eps, fixtureArray(f.files['out_sample']!));
  } finally {
    await full.release();
  }
}

const failures = (checks: ParityCheck[], tol = PARITY_TOLERANCE): string[] =>
  checks.filter((c) => !(c.maxAbsDiff < tol) || c.detail).map((c) => `${c.name}: max |Δ| ${c.maxAbsDiff}`);

export function defineTinySdSuite(ort: OrtModule, sessionOptions: InferenceSession.SessionOptions): void {
  const source = dirBundleSource(TINY_SD_DIR);
  const fixtures = new FixtureReader(source);
  /** Fixture cases run at 64x64 (8x8 latents); the default size is SD's 512x512. */
  let small: SplitPipeline;
  beforeAll(async () => {
    small = await SplitPipeline.load(source, ort, { sessionOptions, imageSize: [64, 64] });
  }, 120_000);
  afterAll(() => small?.release());

  test('the manifest comes from model_index.json, the configs and the sessions', () => {
    const m = small.bundle.manifest;
    expect(m.layout).toBe('optimum-onnx');
    expect(m.latent).toEqual({ channels: 4, height: 8, width: 8, scaling_factor: 0.18215 });
    expect(m.text.hidden_size).toBe(768);
    expect(m.tokenizer).toMatchObject({ type: 'clip-bpe', max_length: 77 });
    const dtypes = (c: 'text_encoder' | 'unet') =>
      Object.fromEntries(m.components[c].inputs.map((x) => [x.name, x.dtype]));
    expect(dtypes('text_encoder')).toEqual({ input_ids: 'int64' });
    expect(dtypes('unet')).toEqual({
      sample: 'float32',
      timestep: 'int64',
      encoder_hidden_states: 'float32',
    });
    expect(m.components.text_encoder.outputs.map((o) => o.name)).toEqual([
      'last_hidden_state',
      'pooler_output',
    ]);
    expect(Object.keys(small.bundle.sessions).sort()).toEqual(['text_encoder', 'unet', 'vae_decoder']);
  });

  test.each(extra.tokenizer_cases.map((c) => [JSON.stringify(c.text), c] as const))(
    'CLIP tokenizer (tokenizer.json) gives the Python BPE ids for %s',
    (_t, c) => {
      expect(Array.from(small.bundle.tokenizer.encode(c.text))).toEqual(c.ids);
    },
  );

  test('without tokenizer.json the tokenizer is built from vocab.json + merges.txt, same ids', async () => {
    const b = await loadBundle(withoutFiles(['tokenizer/tokenizer.json']), ort, {
      sessionOptions,
      components: ['text_encoder'],
    });
    try {
      for (const c of extra.tokenizer_cases) expect(Array.from(b.tokenizer.encode(c.text))).toEqual(c.ids);
    } finally {
      await b.release();
    }
  }, 60_000);

  test.each(index.cases.map((c) => [c.name, c] as const))(
    'fp32 fixture %s: ids, text states, every DDIM step and the image within 1e-4',
    async (_n, c) => {
      const checks = await edgeCaseParity(small, fixtures, c);
      expect(checks).toHaveLength(5);
      expect(failures(checks)).toEqual([]);
    },
    120_000,
  );

  test('the UNet at SD size (1x4x64x64 latent, 77x768 states) matches PyTorch within 1e-4', async () => {
    expect(await fullSizeUnetDiff(ort, sessionOptions)).toBeLessThan(PARITY_TOLERANCE);
  }, 120_000);

  test('the fp16 UNet (float16 I/O, converted at the boundary) stays within the stated tolerance', async () => {
    const half = await SplitPipeline.load(source, ort, {
      sessionOptions,
      imageSize: [64, 64],
      files: { unet: 'unet/model.fp16.onnx' },
    });
    try {
      const unet = half.bundle.manifest.components.unet;
      expect(unet.file).toBe('unet/model.fp16.onnx');
      expect(unet.inputs.map((x) => x.dtype)).toEqual(['float16', 'int64', 'float16']);
      expect(unet.outputs[0]!.dtype).toBe('float16');
      for (const c of index.cases) {
        const checks = await edgeCaseParity(half, fixtures, c);
        const latents = checks.find((x) => x.name.includes('/latents'))!;
        expect(latents.maxAbsDiff).toBeGreaterThan(0); // it really ran in half precision
        expect(failures(checks, FP16_TOLERANCE)).toEqual([]);
      }
      const diff = await fullSizeUnetDiff(ort, sessionOptions, { unet: 'unet/model.fp16.onnx' });
      expect(diff).toBeLessThan(FP16_UNET_TOLERANCE);
    } finally {
      await half.release();
    }
  }, 180_000);

  test('a file without the tensors SD needs is refused, naming the file and the tensor', async () => {
    // The VAE decoder where the UNet should be: it has 'latent_sample', not 'sample'.
    await expect(
      loadBundle(source, ort, { sessionOptions, files: { unet: 'vae_decoder/model.onnx' } }),
    ).rejects.toThrow(/vae_decoder\/model.onnx: no input tensor 'sample' \(has latent_sample\)/);
  }, 60_000);

  test('an image size the VAE cannot give is refused, naming the size', async () => {
    await expect(loadBundle(source, ort, { sessionOptions, imageSize: [500, 512] })).rejects.toThrow(
      /imageSize: height 500 is not a positive multiple of the VAE's factor 8/,
    );
  });
}
