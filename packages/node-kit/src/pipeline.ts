/**
 * Loads the split pipeline on onnxruntime-node. Sessions are created once and reused for
 * every request; threads default to 1 per process so that an edge and a receiver sharing a
 * small machine do not oversubscribe it (set `threads` for a dedicated edge).
 */
import * as ort from 'onnxruntime-node';
import { SplitPipeline } from '@semaigc/diffusion';
import { DEFAULT_BUNDLE_DIR, dirBundleSource } from '@semaigc/models';

export interface NodePipelineOptions {
  bundleDir?: string;
  threads?: number;
}

export const DEFAULT_NODE_THREADS = 1;

export function loadNodePipeline(opts: NodePipelineOptions = {}): Promise<SplitPipeline> {
  return SplitPipeline.load(dirBundleSource(opts.bundleDir ?? DEFAULT_BUNDLE_DIR), ort, {
    sessionOptions: {
      intraOpNumThreads: opts.threads ?? DEFAULT_NODE_THREADS,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    },
  });
}

/**
 * Measures one guided UNet step (median of `n` after a warm-up), the figure nodes announce
 * as `stepMs` and the ROOT state uses.
 */
export async function measureStepMs(p: SplitPipeline, n = 3): Promise<number> {
  const text = await p.encodePrompt(p.bundle.manifest.text.uncond_prompt);
  const times: number[] = [];
  for (let i = 0; i <= n; i++) {
    const t0 = performance.now();
    await p.edgeDenoise({ textStates: text, seed: i, totalSteps: 20, edgeSteps: 1 });
    if (i > 0) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.max(times[Math.floor(times.length / 2)]!, 0.001);
}
