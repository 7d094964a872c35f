// The committed default bundle: manifest shape, every ONNX file against the PyTorch outputs
// saved by the pipeline (check-onnx.js), and the fixtures replayed step by step under
// onnxruntime-node with a DDIM step written here from scheduler_config.json.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as ort from 'onnxruntime-node';

import {
  COMPONENT_NAMES,
  FIXTURE_INDEX_FILE,
  FixtureReader,
  parseFixtureIndex,
  parseManifest,
  type FixtureCase,
} from '@semaigc/diffusion';
import { CHECK_ONNX_SCRIPT, DEFAULT_BUNDLE_DIR, dirBundleSource } from '@semaigc/models';

const TOL = 1e-4;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** alphas_cumprod of diffusers' scaled_linear schedule. */
function alphasCumprod(cfg: { beta_start: number; beta_end: number; num_train_timesteps: number }): number[] {
  const n = cfg.num_train_timesteps;
  const lo = Math.sqrt(cfg.beta_start);
  const hi = Math.sqrt(cfg.beta_end);
  const out: number[] = [];
  let prod = 1;
  for (let i = 0; i < n; i++) {
    const beta = (lo + ((hi - lo) * i) / (n - 1)) ** 2;
    prod *= 1 - beta;
    out.push(prod);
  }
  return out;
}

describe('default bundle', () => {
  // Read synchronously (jest defines tests synchronously) with the runtime's own parsers.
  const readJsonSync = (rel: string): unknown =>
    JSON.parse(fs.readFileSync(path.join(DEFAULT_BUNDLE_DIR, rel), 'utf8')) as unknown;
  const manifest = parseManifest(readJsonSync('manifest.json'));
  const fixtures = parseFixtureIndex(readJsonSync(FIXTURE_INDEX_FILE));
  const reader = new FixtureReader(dirBundleSource());
  const componentPath = (name: (typeof COMPONENT_NAMES)[number]): string =>
    path.join(DEFAULT_BUNDLE_DIR, manifest.components[name]!.file);
  const sched = JSON.parse(fs.readFileSync(path.join(DEFAULT_BUNDLE_DIR, manifest.scheduler), 'utf8')) as {
    beta_start: number;
    beta_end: number;
    num_train_timesteps: number;
  };
  const ac = alphasCumprod(sched);

  it('lists every component with a dynamic batch axis, and the files exist', () => {
    for (const name of COMPONENT_NAMES) {
      const c = manifest.components[name]!;
      expect(fs.existsSync(componentPath(name))).toBe(true);
      for (const t of [...c.inputs, ...c.outputs]) expect(t.shape[0]).toBe('batch');
    }
    expect(manifest.components.unet_finetune!.inputs.map((t) => t.name)).toEqual([
      'sample',
      'timestep',
      'encoder_hidden_states',
      'noise_level',
    ]);
    expect(manifest.bundle_bytes).toBeLessThanOrEqual(25e6);
  });

  it('matches PyTorch under onnxruntime-node for every ONNX file (check-onnx.js)', () => {
    const res = spawnSync(process.execPath, [CHECK_ONNX_SCRIPT, DEFAULT_BUNDLE_DIR, '--json'], {
      encoding: 'utf8',
    });
    expect(res.status).toBe(0);
    const report = JSON.parse(res.stdout) as { ok: boolean; maxAbsDiff: number; components: object };
    expect(Object.keys(report.components).sort()).toEqual([...COMPONENT_NAMES].sort());
    expect(report.maxAbsDiff).toBeLessThanOrEqual(TOL);
  });

  it('has at least 5 edge fixture cases of 20 DDIM steps', () => {
    const edge = fixtures.cases.filter((c) => c.kind === 'edge');
    expect(edge.length).toBeGreaterThanOrEqual(5);
    for (const c of edge) expect(c.files.latents!.shape).toEqual([20, 1, 4, 8, 8]);
  });

  async function guidedStep(
    session: ort.InferenceSession,
    c: FixtureCase,
    z: Float32Array,
    k: number,
    noiseLevel?: number,
  ): Promise<Float32Array> {
    const cond = await reader.f32(c, 'text_cond');
    const uncond = await reader.f32(c, 'text_uncond');
    const [, L, D] = c.files.text_cond!.shape as [number, number, number];
    const t = c.timesteps[k]!;
    const feeds: Record<string, ort.Tensor> = {
      sample: new ort.Tensor('float32', Float32Array.from([...z, ...z]), [2, 4, 8, 8]),
      timestep: new ort.Tensor('float32', Float32Array.from([t, t]), [2]),
      encoder_hidden_states: new ort.Tensor('float32', Float32Array.from([...uncond, ...cond]), [2, L, D]),
    };
    if (noiseLevel !== undefined) {
      feeds.noise_level = new ort.Tensor('float32', Float32Array.from([noiseLevel, noiseLevel]), [2]);
    }
    const out = (await session.run(feeds)).out_sample!.data as Float32Array;
    const n = z.length;
    const prev = t - sched.num_train_timesteps / c.num_inference_steps;
    const aT = ac[t]!;
    const aPrev = prev >= 0 ? ac[prev]! : ac[0]!;
    const next = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const eps = out[i]! + c.guidance_scale * (out[n + i]! - out[i]!);
      const x0 = (z[i]! - Math.sqrt(1 - aT) * eps) / Math.sqrt(aT);
      next[i] = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps;
    }
    return next;
  }

  it('replays the first DDIM step and the decode of each edge fixture', async () => {
    const unet = await ort.InferenceSession.create(componentPath('unet'));
    const text = await ort.InferenceSession.create(componentPath('text_encoder'));
    const dec = await ort.InferenceSession.create(componentPath('vae_decoder'));
    for (const c of fixtures.cases.filter((x) => x.kind === 'edge')) {
      const ids = await reader.i32(c, 'input_ids');
      const states = await text.run({ input_ids: new ort.Tensor('int32', ids, c.files.input_ids!.shape) });
      const cond = await reader.f32(c, 'text_cond');
      expect(maxAbsDiff(states.last_hidden_state!.data as Float32Array, cond)).toBeLessThanOrEqual(TOL);

      const noise = await reader.f32(c, 'initial_noise');
      const latents = await reader.f32(c, 'latents');
      const step1 = await guidedStep(unet, c, noise, 0);
      expect(maxAbsDiff(step1, latents.subarray(0, 256))).toBeLessThanOrEqual(TOL);

      const last = latents.subarray(latents.length - 256).map((v) => v / fixtures.latent_scaling_factor);
      const image = await dec.run({ latent_sample: new ort.Tensor('float32', last, [1, 4, 8, 8]) });
      const want = await reader.f32(c, 'image');
      expect(maxAbsDiff(image.sample!.data as Float32Array, want)).toBeLessThanOrEqual(TOL);
    }
  }, 60_000); // sessions load and run on a shared CPU: more than the default 5 s there

  it('replays all 20 DDIM steps of the first case, each from the fixture latent before it', async () => {
    const unet = await ort.InferenceSession.create(componentPath('unet'));
    const c = fixtures.cases[0]!;
    const latents = await reader.f32(c, 'latents');
    let z = await reader.f32(c, 'initial_noise');
    for (let k = 0; k < c.num_inference_steps; k++) {
      const next = await guidedStep(unet, c, z, k);
      const want = latents.subarray(k * 256, (k + 1) * 256);
      expect(maxAbsDiff(next, want)).toBeLessThanOrEqual(TOL);
      z = Float32Array.from(want);
    }
  }, 60_000); // sessions load and run on a shared CPU: more than the default 5 s there

  it('replays the first receiver step of each split fixture with the fine-tuning UNet', async () => {
    const ft = await ort.InferenceSession.create(componentPath('unet_finetune'));
    const split = fixtures.cases.filter((x) => x.kind === 'split');
    expect(split.length).toBeGreaterThan(0);
    for (const c of split) {
      const a = c.handoff_step!;
      const handoff = await reader.f32(c, 'handoff_latent');
      const noise = await reader.f32(c, 'channel_noise');
      const levels = await reader.f32(c, 'noise_levels');
      const latents = await reader.f32(c, 'latents');
      expect(maxAbsDiff(handoff, latents.subarray((a - 1) * 256, a * 256))).toBe(0);
      const received = handoff.map((v, i) => v + noise[i]!);
      const step = await guidedStep(ft, c, received, a, levels[0]);
      expect(maxAbsDiff(step, latents.subarray(a * 256, (a + 1) * 256))).toBeLessThanOrEqual(TOL);
    }
  }, 60_000); // sessions load and run on a shared CPU: more than the default 5 s there
});
