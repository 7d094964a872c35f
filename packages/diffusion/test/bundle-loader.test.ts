/** The bundle loader names the file and the mismatch; the tokenizer names unknown words. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  BundleError,
  FixtureReader,
  ioMismatch,
  loadBundle,
  parseFixtureIndex,
  parseManifest,
  readManifest,
  TokenizerError,
  WordTokenizer,
  type TokenizerConfig,
} from '../src';
import { BUNDLE_DIR, dirSource, fixtureIndexSync } from './node-source';

/** The manifest fields these tests edit. */
interface EditableManifest {
  format: string;
  components: Record<string, { inputs: { name: string; dtype: string }[] } | undefined>;
  latent: { scaling_factor: number };
}
const manifest = JSON.parse(
  fs.readFileSync(path.join(BUNDLE_DIR, 'manifest.json'), 'utf8'),
) as EditableManifest;

/** A copy of the bundle directory whose manifest is edited by `edit`. */
function editedBundle(edit: (m: EditableManifest) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-bundle-'));
  fs.cpSync(BUNDLE_DIR, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}fixtures`) });
  const m = structuredClone(manifest);
  edit(m);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

describe('manifest validation names the field', () => {
  test.each([
    ['format', (m: EditableManifest) => (m.format = 'other'), /manifest.json: format/],
    ['missing unet', (m: EditableManifest) => delete m.components['unet'], /components.unet is required/],
    [
      'bad dtype',
      (m: EditableManifest) => (m.components['unet']!.inputs[0]!.dtype = 'float128'),
      /components.unet.inputs\[0\].dtype/,
    ],
    ['scaling factor', (m: EditableManifest) => (m.latent.scaling_factor = -1), /latent.scaling_factor/],
  ])('%s', (_name, edit, re) => {
    const m = structuredClone(manifest);
    edit(m);
    expect(() => parseManifest(m)).toThrow(BundleError);
    expect(() => parseManifest(m)).toThrow(re);
  });
});

describe('manifest and fixture errors name the file and the field', () => {
  test.each([
    ['not an object', () => 'x', /^\/b\/manifest.json: \(root\) must be an object/],
    [
      'missing tokenizer vocab',
      (m: EditableManifest) => delete (m as unknown as { tokenizer: { vocab?: string } }).tokenizer.vocab,
      /^\/b\/manifest.json: tokenizer.vocab must be a path/,
    ],
    [
      'latent height not an integer',
      (m: EditableManifest) => ((m as unknown as { latent: { height: number } }).latent.height = 7.5),
      /^\/b\/manifest.json: latent.height must be a positive integer/,
    ],
    [
      'input without a name',
      (m: EditableManifest) => delete (m.components['vae_decoder']!.inputs[0] as { name?: string }).name,
      /^\/b\/manifest.json: components.vae_decoder.inputs\[0\].name must be a string/,
    ],
  ])('%s', (_name, edit, re) => {
    const m = structuredClone(manifest);
    const edited = (edit as (m: EditableManifest) => unknown)(m);
    const json = typeof edited === 'string' ? edited : m;
    expect(() => parseManifest(json, '/b/manifest.json')).toThrow(BundleError);
    expect(() => parseManifest(json, '/b/manifest.json')).toThrow(re);
  });

  test('readManifest names the bundle directory', async () => {
    const dir = editedBundle((m) => (m.latent.scaling_factor = 0));
    try {
      await expect(readManifest(dirSource(dir))).rejects.toThrow(
        `${dir}/manifest.json: latent.scaling_factor must be a number > 0`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the fixture index and its arrays are checked', async () => {
    const index = fixtureIndexSync();
    const bad = structuredClone(index) as unknown as {
      cases: { files: Record<string, { dtype: string }> }[];
    };
    bad.cases[2]!.files['latents']!.dtype = 'float64';
    expect(() => parseFixtureIndex(bad, 'fx/index.json')).toThrow(
      /^fx\/index.json: cases\[2\].files.latents.dtype must be 'float32' or 'int32'/,
    );
    // An array whose file holds fewer elements than its shape says.
    const c = structuredClone(index.cases[0]!);
    const latents = c.files['latents']!;
    const stored = latents.shape.reduce((a, b) => a * b, 1);
    latents.shape = [latents.shape[0]! + 1, ...latents.shape.slice(1)];
    const reader = new FixtureReader(dirSource());
    await expect(reader.f32(c, 'latents')).rejects.toThrow(
      `fixtures/${latents.file}: ${stored} elements, shape ${latents.shape.join('x')} expected`,
    );
    await expect(reader.f32(c, 'no_such_array')).rejects.toThrow(
      `case ${c.name} has no 'no_such_array' array`,
    );
    await expect(reader.f32(c, 'input_ids')).rejects.toThrow(/is int32, not float32/);
  });
});

test('a session whose inputs differ from the manifest is refused, naming the file', async () => {
  const dir = editedBundle((m) => (m.components['unet']!.inputs[1]!.name = 't'));
  try {
    await expect(loadBundle(dirSource(dir), ort, { components: ['unet'] })).rejects.toThrow(
      /unet\/model.onnx \(unet\): input names \[sample, timestep, encoder_hidden_states\] differ from the manifest's \[sample, t, encoder_hidden_states\]/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ioMismatch reports dtype and static dims', () => {
  const spec = [{ name: 'x', dtype: 'float32' as const, shape: ['batch', 4, 8, 8] }];
  const meta = (type: string, shape: (number | string)[]) => [
    { name: 'x', isTensor: true as const, type: type as 'float32', shape },
  ];
  expect(ioMismatch('input', spec, ['x'], meta('float32', ['b', 4, 8, 8]))).toBeNull();
  expect(ioMismatch('input', spec, ['x'], meta('int32', ['b', 4, 8, 8]))).toMatch(
    /dtype int32, manifest says float32/,
  );
  expect(ioMismatch('input', spec, ['x'], meta('float32', ['b', 4, 8, 7]))).toMatch(
    /dim 3 is 7, manifest says 8/,
  );
});

describe('tokenizer', () => {
  const vocab = JSON.parse(
    fs.readFileSync(path.join(BUNDLE_DIR, 'tokenizer', 'vocab.json'), 'utf8'),
  ) as Record<string, number>;
  const config = JSON.parse(
    fs.readFileSync(path.join(BUNDLE_DIR, 'tokenizer', 'tokenizer_config.json'), 'utf8'),
  ) as TokenizerConfig;
  const tok = new WordTokenizer(vocab, config);

  test('bos, words, eos, padding; case and spacing do not matter', () => {
    const a = tok.encode('a Large  RED circle');
    expect(a[0]).toBe(config.bos_token_id);
    expect(Array.from(a.slice(1, 5))).toEqual(['a', 'large', 'red', 'circle'].map((w) => vocab[w]));
    expect(a[5]).toBe(config.eos_token_id);
    expect(a[a.length - 1]).toBe(config.pad_token_id);
    expect(a).toHaveLength(config.max_length);
    expect(Array.from(tok.encode('a large red circle'))).toEqual(Array.from(a));
  });

  test('unknown words: <unk> by default, a TokenizerError naming the word when strict', () => {
    expect(tok.encode('a purple unicorn')[3]).toBe(config.unk_token_id);
    expect(() => tok.encode('a purple unicorn', { strict: true })).toThrow(TokenizerError);
    expect(() => tok.encode('a purple unicorn', { strict: true })).toThrow(/'unicorn'/);
    expect(tok.unknownWords('a purple unicorn')).toEqual(['unicorn']);
  });
});
