/**
 * Parity with the bundle's fixtures, for any injected ONNX Runtime: text states, the latent
 * after every one of the 20 DDIM steps (edge cases), the split cases with the fine-tuning
 * UNet, and the decoded image, each within 1e-4 absolute.
 */
import type { InferenceSession } from 'onnxruntime-common';
import { readFixtureArray, readFixtureIndex, type FixtureCase } from '@semaigc/models';
import { SplitPipeline, type OrtModule } from '../src';
import { BUNDLE_DIR, dirSource } from './node-source';

const TOL = 1e-4;
const index = readFixtureIndex(BUNDLE_DIR);
const arr = (c: FixtureCase, k: string): Float32Array =>
  readFixtureArray(c.files[k]!, BUNDLE_DIR) as Float32Array;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function defineParitySuite(ort: OrtModule, sessionOptions: InferenceSession.SessionOptions): void {
  let pipe: SplitPipeline;
  beforeAll(async () => {
    pipe = await SplitPipeline.load(dirSource(), ort, { sessionOptions });
  });
  afterAll(() => pipe?.release());

  const edgeCases = index.cases.filter((c) => c.kind === 'edge');
  const splitCases = index.cases.filter((c) => c.kind === 'split');

  test('the bundle has at least 5 edge fixture cases', () => {
    expect(edgeCases.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(edgeCases.map((c) => [c.name, c] as const))('edge fixture %s', (_name, c) => {
    test('token ids and text states match', async () => {
      expect(Array.from(pipe.bundle.tokenizer.encode(c.prompt))).toEqual(
        Array.from(readFixtureArray(c.files['input_ids']!, BUNDLE_DIR)),
      );
      const text = await pipe.encodePrompt(c.prompt);
      expect(maxAbsDiff(text.cond, arr(c, 'text_cond'))).toBeLessThan(TOL);
      expect(maxAbsDiff(text.uncond, arr(c, 'text_uncond'))).toBeLessThan(TOL);
    });

    test('latent after every DDIM step and the decoded image match', async () => {
      const ref = arr(c, 'latents');
      const n = pipe.size;
      const diffs: number[] = [];
      const res = await pipe.edgeDenoise({
        prompt: c.prompt,
        initialNoise: arr(c, 'initial_noise'),
        totalSteps: c.num_inference_steps,
        edgeSteps: c.num_inference_steps,
        guidanceScale: c.guidance_scale,
        onStep: ({ index: i, latent }) =>
          void diffs.push(maxAbsDiff(latent, ref.subarray(i * n, (i + 1) * n))),
      });
      expect(diffs).toHaveLength(c.num_inference_steps);
      expect(Math.max(...diffs)).toBeLessThan(TOL);
      const img = await pipe.decode(res.latent);
      expect(maxAbsDiff(img.raw, arr(c, 'image'))).toBeLessThan(TOL);
    });
  });

  describe.each(splitCases.map((c) => [c.name, c] as const))(
    'split fixture %s (fine-tuning UNet)',
    (_name, c) => {
      test('edge hand-off, then receiver steps on the noisy latent match', async () => {
        const ref = arr(c, 'latents');
        const n = pipe.size;
        const a = c.handoff_step!;
        const edge = await pipe.edgeDenoise({
          prompt: c.prompt,
          initialNoise: arr(c, 'initial_noise'),
          totalSteps: c.num_inference_steps,
          edgeSteps: a,
          guidanceScale: c.guidance_scale,
        });
        expect(maxAbsDiff(edge.latent, arr(c, 'handoff_latent'))).toBeLessThan(TOL);
        expect(edge.timestep).toBe(c.timesteps[a]);
        const noise = arr(c, 'channel_noise');
        const received = edge.latent.map((v, i) => v + noise[i]!);
        const diffs: number[] = [];
        await pipe.deviceDenoise({
          latent: received,
          fromIndex: a,
          totalSteps: c.num_inference_steps,
          noiseVariance: c.sigma2!,
          variant: 'finetune',
          textStates: edge.textStates,
          guidanceScale: c.guidance_scale,
          onStep: ({ index: i, latent }) =>
            void diffs.push(maxAbsDiff(latent, ref.subarray(i * n, (i + 1) * n))),
        });
        expect(diffs).toHaveLength(c.num_inference_steps - a);
        expect(Math.max(...diffs)).toBeLessThan(TOL);
      });
    },
  );
}
