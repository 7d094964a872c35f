/**
 * The same cases on onnxruntime-node, as the headless receiver runs them (node-kit's
 * `loadNodePipeline`: intra-op threads as given, graph optimisation 'all', batched CFG), with
 * the benchmark page's own timing code (apps/receiver-web/src/bench/samples.ts), so the
 * page's figures have their native reference from the same run.
 */
import { initialNoise, SplitPipeline, type OrtModule } from '@semaigc/diffusion';
import { dirBundleSource } from '@semaigc/models';
import { loadNodePipeline } from '@semaigc/node-kit';
import { DEFAULT_RECEIVER_VARIANT } from '@semaigc/receiver';
import {
  BENCH_PROMPT,
  localGeneration,
  receiverSteps,
  timeEach,
} from '../../../../apps/receiver-web/src/bench/samples';

export async function nodeSamples(
  bundleDir: string,
  threads: number,
  n: number,
  gen: boolean,
): Promise<Record<string, number[]>> {
  const p = await loadNodePipeline({ bundleDir, threads });
  try {
    const out: Record<string, number[]> = {
      'unet step': (await receiverSteps(p, n, DEFAULT_RECEIVER_VARIANT)).stepMs,
      'finetune unet step': (await receiverSteps(p, n, 'finetune')).stepMs,
      'text encoder': await timeEach(n, () => p.encodePrompt(BENCH_PROMPT)),
    };
    const z = initialNoise(7, p.size);
    out['vae decode'] = await timeEach(n, () => p.decode(z));
    if (gen) {
      let seed = 0;
      out['generate 20 steps (text, 20 steps, decode)'] = await timeEach(Math.max(3, Math.round(n / 4)), () =>
        localGeneration(p, seed++),
      );
    }
    return out;
  } finally {
    await p.release();
  }
}

/**
 * The page's kernels without the browser: onnxruntime-web's wasm backend in Node, one thread,
 * the receiver step only. Page / this is what the browser and the page add; this / ort-node
 * is wasm SIMD-128 against native kernels, per thread, the floor under the page's ratio.
 */
export async function wasmNodeSamples(bundleDir: string, n: number): Promise<Record<string, number[]>> {
  const ortWeb = (await import('onnxruntime-web')) as unknown as OrtModule & {
    env: { wasm: { numThreads: number } };
  };
  ortWeb.env.wasm.numThreads = 1;
  const p = await SplitPipeline.load(dirBundleSource(bundleDir), ortWeb, {
    sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
  });
  try {
    return { 'unet step': (await receiverSteps(p, n, DEFAULT_RECEIVER_VARIANT)).stepMs };
  } finally {
    await p.release();
  }
}
