// `npm run pretrain -- --quick` end to end: every stage on a tiny budget into a temp dir, then
// the bundle it wrote is read back with this package's API. Needs /usr/bin/python3 with torch
// and onnx (scripts/setup.sh --pretrain); skipped, with the reason printed, where they are missing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { COMPONENTS, readFixtureIndex, readManifest } from '@semaigc/models';

const PYTHON = '/usr/bin/python3';
const REPO = path.resolve(__dirname, '..', '..', '..');

function pythonProblem(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy, PIL'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `${PYTHON} cannot import torch/onnx/numpy/PIL: ${probe.stderr.trim().split('\n').pop()}`;
  return undefined;
}

const problem = pythonProblem();
if (problem !== undefined) {
  console.log(`pretrain --quick test skipped: ${problem} (install with scripts/setup.sh --pretrain)`);
}
const describeIfPython = problem === undefined ? describe : describe.skip;

describeIfPython('pretrain --quick', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-pretrain-test-'));
  let run: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    run = spawnSync(PYTHON, ['scripts/pretrain/run.py', '--quick', '--out', out], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 600_000,
    });
  }, 620_000);

  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('runs every stage and exits 0, with a progress line per stage', () => {
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    const stdout = String(run.stdout);
    for (const stage of [
      'data',
      'vae',
      'latents',
      'checker',
      'unet',
      'finetune',
      'evaluate',
      'export',
      'parity',
      'done',
    ]) {
      expect(stdout).toMatch(new RegExp(`\\] ${stage} `));
    }
  });

  it('writes a bundle whose ONNX files match PyTorch under onnxruntime-node', () => {
    const m = readManifest(out);
    expect(m.mode).toBe('quick');
    for (const name of COMPONENTS) expect(fs.existsSync(path.join(out, m.components[name].file))).toBe(true);
    expect(m.onnx_parity.ran).toBe(true);
    expect(m.onnx_parity.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(m.latent.scaling_factor).toBeGreaterThan(0);
    for (const f of ['REPORT.md', 'samples.png', 'losses.png', 'grammar.json', 'tokenizer/vocab.json']) {
      expect(fs.existsSync(path.join(out, f))).toBe(true);
    }
  });

  it('writes fixtures with 20 latents per case and the documented initial noise', () => {
    const fx = readFixtureIndex(out);
    expect(fx.cases.filter((c) => c.kind === 'edge').length).toBeGreaterThanOrEqual(5);
    for (const c of fx.cases) {
      expect(c.timesteps).toHaveLength(20);
      expect(c.timesteps[0]).toBe(951);
      expect(c.files.latents!.shape).toEqual([20, 1, 4, 8, 8]);
    }
  });
});
