/**
 * A device's memory limit for the model: the page refuses, with the figures, a bundle that
 * will not fit, instead of letting a phone's browser kill the tab half-way through loading.
 *
 * Budget (`memoryBudget`): the configured limit (`?memoryLimitMb=`) when given; else a share
 * of `navigator.deviceMemory` (GiB, rounded down by the browser and capped at 8; Chromium
 * exposes it only in secure contexts, so a phone on plain http://<lan-host> has none); always
 * at most wasm32's 4 GiB address space, which holds onnxruntime-web's whole heap whatever the
 * device has. `performance.memory.jsHeapSizeLimit` (Chromium) bounds the JavaScript heap
 * only, not wasm memory or array buffers, so it is reported but not used as the limit.
 *
 * Need (`modelMemoryNeed`): MODEL_MEMORY_FACTOR × the ONNX files' bytes (the bytes themselves,
 * then ORT's copy of the weights in its wasm heap, which never shrinks) plus the runtime's own
 * share. The check runs twice: before any download when the manifest gives the files' sizes
 * (`checkManifestFits`), and as the files arrive when it does not (`guardModelMemory`: a
 * standard export's built manifest has no sizes), refusing before ORT is handed a file that
 * passes the budget.
 */
import { readManifest, type BundleSource } from '@semaigc/diffusion';
import { manifestBytes } from '../bundle-progress';
import { ModelMemoryError } from '../errors';

const MiB = 2 ** 20;
/** wasm32: onnxruntime-web's heap (weights, activations, arena) lives in at most 4 GiB. */
export const WASM32_MAX_BYTES = 4 * 2 ** 30;
/**
 * Share of the device's memory one tab's model may use. An assumption, not a measurement:
 * the OS, the browser and other tabs keep the rest, and mobile browsers end a tab long before
 * the device is out of memory.
 */
export const DEVICE_MEMORY_SHARE = 0.5;
/** The file's bytes as read, then ORT's copy of the weights in the wasm heap. */
export const MODEL_MEMORY_FACTOR = 2;
/** onnxruntime-web's compiled wasm (14 MB binary), its heap's base and the page. */
export const RUNTIME_OVERHEAD_BYTES = 64 * MiB;

export interface MemorySignals {
  /** `?memoryLimitMb=`, MiB; null when not configured. */
  configuredMb: number | null;
  /** `navigator.deviceMemory`, GiB; null where the browser does not say. */
  deviceMemoryGiB: number | null;
  /** `performance.memory.jsHeapSizeLimit`, bytes (reported only). */
  jsHeapSizeLimit: number | null;
}

export interface MemoryBudget {
  bytes: number;
  source: 'configured' | 'deviceMemory' | 'wasm32';
  /** How the figure was reached, for messages and the page. */
  detail: string;
}

const mb = (bytes: number): string => `${Math.round(bytes / MiB)} MB`;

/** The browser's memory figures (absent ones as null). */
export function browserMemorySignals(configuredMb: number | null): MemorySignals {
  const dm = (navigator as unknown as { deviceMemory?: unknown }).deviceMemory;
  const heap = (performance as unknown as { memory?: { jsHeapSizeLimit?: unknown } }).memory?.jsHeapSizeLimit;
  return {
    configuredMb,
    deviceMemoryGiB: typeof dm === 'number' && dm > 0 ? dm : null,
    jsHeapSizeLimit: typeof heap === 'number' && heap > 0 ? heap : null,
  };
}

export function memoryBudget(s: MemorySignals): MemoryBudget {
  const heap = s.jsHeapSizeLimit === null ? '' : `; JS heap limit ${mb(s.jsHeapSizeLimit)}`;
  if (s.configuredMb !== null) {
    if (!(s.configuredMb > 0)) throw new TypeError(`configuredMb must be > 0, got ${s.configuredMb}`);
    const bytes = Math.min(s.configuredMb * MiB, WASM32_MAX_BYTES);
    return { bytes, source: 'configured', detail: `configured memoryLimitMb=${s.configuredMb}${heap}` };
  }
  if (s.deviceMemoryGiB !== null) {
    const bytes = Math.min(s.deviceMemoryGiB * 2 ** 30 * DEVICE_MEMORY_SHARE, WASM32_MAX_BYTES);
    return {
      bytes,
      source: 'deviceMemory',
      detail: `${DEVICE_MEMORY_SHARE} × navigator.deviceMemory ${s.deviceMemoryGiB} GiB${heap}`,
    };
  }
  return {
    bytes: WASM32_MAX_BYTES,
    source: 'wasm32',
    detail: `wasm32 address space (the device did not say)${heap}`,
  };
}

/** Estimated peak memory of a model whose ONNX files hold `fileBytes`. */
export function modelMemoryNeed(fileBytes: number): number {
  return MODEL_MEMORY_FACTOR * fileBytes + RUNTIME_OVERHEAD_BYTES;
}

/** Throws ModelMemoryError when `fileBytes` of model files need more than the budget. */
export function checkModelFits(what: string, fileBytes: number, budget: MemoryBudget): void {
  const need = modelMemoryNeed(fileBytes);
  if (need <= budget.bytes) return;
  throw new ModelMemoryError(
    `${what} needs about ${mb(need)} (${MODEL_MEMORY_FACTOR} × ${mb(fileBytes)} of ONNX files + ` +
      `${mb(RUNTIME_OVERHEAD_BYTES)} for the runtime), more than this device's ${mb(budget.bytes)} ` +
      `(${budget.detail}); refusing to load it. Use a smaller bundle or another device` +
      (budget.source === 'configured' ? ', or raise memoryLimitMb' : ''),
  );
}

/**
 * Reads the bundle's manifest and refuses before any model download when its component
 * sizes exceed the budget. Returns the model files' bytes, or null when the manifest does
 * not give them (then `guardModelMemory` checks as the files arrive).
 */
export async function checkManifestFits(source: BundleSource, budget: MemoryBudget): Promise<number | null> {
  const manifest = await readManifest(source);
  const bytes = manifestBytes(manifest);
  if (bytes !== null) checkModelFits(`model ${manifest.name}`, bytes, budget);
  return bytes;
}

const isModelFile = (path: string): boolean => path.endsWith('.onnx') || path.endsWith('.onnx_data');

/** Counts model files' bytes as they are read and refuses the one that passes the budget. */
export function guardModelMemory(inner: BundleSource, budget: MemoryBudget): BundleSource {
  let total = 0;
  return {
    location: inner.location,
    readBytes: async (path, version) => {
      const bytes = await inner.readBytes(path, version);
      if (isModelFile(path)) {
        total += bytes.byteLength;
        checkModelFits(`the model (${path} and the files before it)`, total, budget);
      }
      return bytes;
    },
  };
}
