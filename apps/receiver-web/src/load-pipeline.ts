/**
 * Loads the split pipeline in the browser and picks the backend: WebGPU when the browser
 * has an adapter (and the user did not ask for wasm), with automatic fallback to wasm when
 * WebGPU sessions cannot be created or their warm-up step fails. The warm-up also measures
 * the receiver's step time, which hello announces.
 *
 * By default onnxruntime-web's wasm backend runs in a dedicated worker (`inference:
 * 'worker'`), so a UNet call never blocks the page's main thread: heartbeats, socket.io and the DOM keep going
 * while the page denoises. `inference: 'main'` runs ORT on the page itself (the benchmark's
 * comparison, and a way out should a browser lack module workers).
 */
import {
  initialNoise,
  SplitPipeline,
  type BundleSource,
  type CfgMode,
  type OrtModule,
} from '@semaigc/diffusion';
import { DEFAULT_RECEIVER_VARIANT } from '@semaigc/receiver';
import type { InferenceBackend } from '@semaigc/protocol';
import type { InferenceSession } from 'onnxruntime-web';
import type { BackendChoice, InferenceMode } from './config';
import { InferenceWorker, remoteOrt, type RunClock } from './inference/remote-ort';
import type { OrtBuild } from './inference/messages';
import { timedOrt } from './inference/timed-ort';
import { loadOrt } from './ort-env';

export interface LoadedRuntime {
  pipeline: SplitPipeline;
  backend: Extract<InferenceBackend, 'wasm' | 'webgpu'>;
  /** Why WebGPU was not used when it was tried (shown on the page and logged). */
  fallbackReason: string | null;
  /** Median time of one guided receiver step, ms (before the compute-share stretch). */
  stepMs: number;
  inference: InferenceMode;
  build: OrtBuild;
  threads: number;
  /**
   * Time spent in `session.run`, summed: measured inside the worker (ORT alone), or around
   * the call on the main thread (with ORT's proxy, its messaging too).
   */
  clock: RunClock;
  release(): Promise<void>;
}

export interface LoadSettings {
  backend: BackendChoice;
  /** wasm threads (see `wasmThreads`). */
  threads: number;
  inference: InferenceMode;
  /** With `inference: 'main'`: ORT's own proxy worker (`env.wasm.proxy`, the benchmark's comparison). */
  ortProxy?: boolean;
  /** ORT build for the wasm backend (WebGPU always needs 'jsep'). */
  wasmBuild?: OrtBuild;
  /** Session options over the defaults (benchmark option matrix). */
  sessionOptions?: InferenceSession.SessionOptions;
  cfgMode?: CfgMode;
}

/** Steps timed after the first (warm-up) step. */
export const DEFAULT_TIMED_STEPS = 3;
/**
 * The wasm build the page runs: the plain SIMD-threaded build, half the download of the
 * JSEP build (14 vs 28 MB); its step time next to JSEP's is in the README's "Speed".
 */
export const DEFAULT_WASM_BUILD: OrtBuild = 'plain';
export const DEFAULT_SESSION_OPTIONS: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };

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
 * schedule with the default receiver variant and classifier-free guidance, what a receiver
 * runs; the default variant, remap, runs the edge UNet).
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

async function runtimeFor(
  build: OrtBuild,
  s: LoadSettings,
): Promise<{ ort: OrtModule; worker: InferenceWorker | null; clock: RunClock }> {
  if (s.inference === 'main') {
    const clock: RunClock = { runs: 0, ortMs: 0 };
    const ort = await loadOrt({ build, threads: s.threads, proxy: s.ortProxy });
    return { ort: timedOrt(ort, clock), worker: null, clock };
  }
  const worker = await InferenceWorker.start({ build, threads: s.threads });
  return { ort: await remoteOrt(worker), worker, clock: worker.clock };
}

async function loadOn(
  backend: 'wasm' | 'webgpu',
  source: BundleSource,
  s: LoadSettings,
): Promise<Omit<LoadedRuntime, 'fallbackReason'>> {
  const build = backend === 'webgpu' ? 'jsep' : (s.wasmBuild ?? DEFAULT_WASM_BUILD);
  // WebGPU stays on the page: its kernels run on the GPU, the main thread only encodes them,
  // and ORT's WebGPU set-up inside a worker hung (no error) where the browser had no
  // adapter, which would leave the page loading for ever instead of falling back to wasm.
  const where: LoadSettings = backend === 'webgpu' ? { ...s, inference: 'main', ortProxy: false } : s;
  const { ort, worker, clock } = await runtimeFor(build, where);
  let pipeline: SplitPipeline | null = null;
  try {
    pipeline = await SplitPipeline.load(source, ort, {
      sessionOptions: { ...DEFAULT_SESSION_OPTIONS, ...s.sessionOptions, executionProviders: [backend] },
    });
    pipeline.cfgMode = s.cfgMode;
    const p = pipeline;
    return {
      pipeline: p,
      backend,
      stepMs: await measureReceiverStepMs(p),
      inference: where.inference,
      build,
      threads: s.threads,
      clock,
      release: async () => {
        await p.release();
        worker?.terminate();
      },
    };
  } catch (err) {
    await pipeline?.release().catch(() => undefined);
    worker?.terminate();
    throw err;
  }
}

export async function loadReceiverPipeline(source: BundleSource, s: LoadSettings): Promise<LoadedRuntime> {
  let fallbackReason: string | null = null;
  if (s.backend === 'webgpu' || s.backend === 'auto') {
    if (!(await hasWebGpu())) {
      // Asked for explicitly: say why not, without compiling the 28 MB JSEP build to find out.
      if (s.backend === 'webgpu') fallbackReason = 'WebGPU failed: the browser gives no WebGPU adapter';
    } else {
      try {
        return { ...(await loadOn('webgpu', source, s)), fallbackReason: null };
      } catch (err) {
        fallbackReason = `WebGPU failed: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
  }
  return { ...(await loadOn('wasm', source, s)), fallbackReason };
}
