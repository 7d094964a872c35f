/**
 * The batched receiver (what the split benchmark measures with) gives each request exactly
 * what the one-request receiver (what receivers run) gives it, for every variant, on the
 * real ONNX models: per-request t*, noise levels and prop1-eta1 noise streams included.
 */
import * as ort from 'onnxruntime-node';
import { transmit } from '@semaigc/channel';
import { makePrompts, RECEIVER_VARIANTS, SplitPipeline, type DeviceBatchItem } from '../src';
import { dirSource } from './node-source';

const TOTAL = 20;
const A = 12;
let pipe: SplitPipeline;
const items: DeviceBatchItem[] = [];

beforeAll(async () => {
  pipe = await SplitPipeline.load(dirSource(), ort, { sessionOptions: { intraOpNumThreads: 1 } });
  if (!pipe.grammar) throw new Error('the bundle under test has no caption grammar');
  const prompts = makePrompts(pipe.grammar, 77, 3);
  for (const [k, snrDb] of [-6, 3, 15].entries()) {
    const seed = 300 + k;
    const edge = await pipe.edgeDenoise({ prompt: prompts[k]!, seed, totalSteps: TOTAL, edgeSteps: A });
    const tx = transmit(edge.latent, { mode: 'analog', snrDb }, { seed });
    items.push({
      latent: tx.output,
      noiseVariance: tx.meta.noiseVariance,
      textStates: edge.textStates,
      seed,
    });
  }
});
afterAll(() => pipe?.release());

test.each(RECEIVER_VARIANTS.map((v) => [v]))('%s: batch of 3 = three single requests', async (variant) => {
  const batch = await pipe.deviceDenoiseBatch({ fromIndex: A, totalSteps: TOTAL, variant }, items);
  expect(batch.latents).toHaveLength(items.length);
  for (const [i, it] of items.entries()) {
    const one = await pipe.deviceDenoise({ ...it, fromIndex: A, totalSteps: TOTAL, variant });
    expect(batch.plans[i]!.timesteps).toEqual(one.timesteps);
    expect(batch.plans[i]!.tStar).toBe(one.tStar);
    let worst = 0;
    one.latent.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - batch.latents[i]![k]!))));
    // batch size changes ONNX Runtime's kernel blocking, not the math
    expect(worst).toBeLessThan(1e-4);
  }
  // the three requests differ (different SNR and seed), so the comparison is not vacuous
  expect(batch.latents[0]).not.toEqual(batch.latents[2]);
});
