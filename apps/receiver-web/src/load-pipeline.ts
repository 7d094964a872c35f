/**
 * Loads the split pipeline in the browser and picks the backend: WebGPU when the browser
 * has an adapter (and the user did not ask for wasm), with automatic fallback to wasm when
 * WebGPU sessions cannot be created or their warm-up step fails. The warm-up also measures
 * the receiver's step time, which hello announces.
 */
import { initialNoise, SplitPipeline, type BundleSource } from '@semaigc/diffusion';
import { DEFAULT_RECEIVER_VARIANT } from '@semaigc/receiver';
import type { InferenceBackend } from '@semaigc/protocol';
import type { BackendChoice } from './config';
import type { Ort } from './ort-env';

export interface LoadedRuntime {
  pipeline: SplitPipeline;
  backend: Extract<InferenceBackend, 'wasm' | 'webgpu'>;
  /** Why WebGPU was not used when it was tried (shown on the page and logged). */
  fallbackReason: string | null;
  /** Median time of one guided fine-tuning-UNet step, ms (before the compute-share stretch). */
  stepMs: number;
}

/** Steps timed after the first (warm-up) step. */
export const DEFAULT_TIMED_STEPS = 3;

interface NavigatorGpu {
  gpu?: { requestAdapter(): Promise<unknown> };
}

/** True when the browser exposes WebGPU and hands out an adapter. */
export async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as unknown as NavigatorGpu).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/**
 * One warm-up step, then the median of `n` timed receiver steps (the last step of a 20-step
 * schedule with the fine-tuning UNet and classifier-free guidance, what a receiver runs).
 */
export async function measureReceiverStepMs(p: SplitPipeline, n = DEFAULT_TIMED_STEPS): Promise<number> {
  const textStates = await p.encodePrompt(p.bundle.manifest.text.uncond_prompt);
  const times: number[] = [];
  for (let i = 0; i <= n; i++) {
    const res = await p.deviceDenoise({
      latent: initialNoise(i, p.size),
      fromIndex: 19,
      totalSteps: 20,
      noiseVariance: 0.01,
      variant: DEFAULT_RECEIVER_VARIANT,
      textStates,
    });
    if (i > 0) times.push(res.stepMs[0]!);
  }
  times.sort((a, b) => a - b);
  return Math.max(times[Math.floor(times.length / 2)]!, 0.001);
}

async function loadOn(
  backend: 'wasm' | 'webgpu',
  source: BundleSource,
  ort: Ort,
): Promise<{ pipeline: SplitPipeline; stepMs: number }> {
  const pipeline = await SplitPipeline.load(source, ort, {
    sessionOptions: { executionProviders: [backend], graphOptimizationLevel: 'all' },
  });
  try {
    return { pipeline, stepMs: await measureReceiverStepMs(pipeline) };
  } catch (err) {
    await pipeline.release().catch(() => undefined);
    throw err;
  }
}

export async function loadReceiverPipeline(
  source: BundleSource,
  ort: Ort,
  choice: BackendChoice,
): Promise<LoadedRuntime> {
  let fallbackReason: string | null = null;
  // 'webgpu' tries even without an adapter, so the fallback reason says what went wrong.
  if (choice === 'webgpu' || (choice === 'auto' && (await hasWebGpu()))) {
    try {
      return { ...(await loadOn('webgpu', source, ort)), backend: 'webgpu', fallbackReason: null };
    } catch (err) {
      fallbackReason = `WebGPU failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return { ...(await loadOn('wasm', source, ort)), backend: 'wasm', fallbackReason };
}
