/**
 * onnxruntime-web set-up, shared by the inference worker, the parity page and the benchmark
 * page. Two builds of ORT's wasm backend ship with the page (see `OrtBuild`): the plain
 * SIMD-threaded build for wasm, and the JSEP build, which adds WebGPU. Each build's JS is
 * imported on demand (one chunk each) and its wasm glue and binary with `?url`, so Vite copies
 * them into the build and `wasmPaths` points ORT at exactly those files (the glue is also the
 * script of ORT's pthread workers). A browser downloads only the binary it runs.
 */
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import plainGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import jsepWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import jsepGlueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import type * as OrtWeb from 'onnxruntime-web';
import type { OrtBuild, OrtSetup } from './inference/messages';

/** More wasm threads than this stop paying off for a 64×64 model and starve the page. */
export const DEFAULT_MAX_THREADS = 4;

/**
 * Cores the receiver leaves to everything but ORT (the page's main thread, socket.io, the
 * compositor, other tabs and apps). Measured on the 2-core dev machine (README, Speed): one
 * ORT thread in the worker had a lower median and a much shorter tail than two, which need
 * both cores and wait for the slower one whenever anything else runs.
 */
export const DEFAULT_SPARE_CORES = 1;

export type Ort = typeof OrtWeb;

const FILES: Record<OrtBuild, { wasm: string; mjs: string }> = {
  plain: { wasm: plainWasmUrl, mjs: plainGlueUrl },
  jsep: { wasm: jsepWasmUrl, mjs: jsepGlueUrl },
};

/**
 * Threads for the wasm backend: 1 unless the page is cross-origin isolated (threads need
 * SharedArrayBuffer, which needs COOP/COEP), else the request or
 * min(4, cores − spareCores), at least 1.
 */
export function wasmThreads(requested: number | null, spareCores = DEFAULT_SPARE_CORES): number {
  if (!globalThis.crossOriginIsolated) return 1;
  if (requested !== null) return requested;
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(DEFAULT_MAX_THREADS, cores - spareCores));
}

/**
 * Imports the build's ORT and configures it before the first session is created. Call once
 * per JavaScript context (the page, or the worker).
 */
export async function loadOrt(setup: OrtSetup): Promise<Ort> {
  const ort: Ort =
    setup.build === 'plain' ? await import('onnxruntime-web/wasm') : await import('onnxruntime-web');
  const files = FILES[setup.build];
  ort.env.wasm.wasmPaths = {
    wasm: new URL(files.wasm, location.href).href,
    mjs: new URL(files.mjs, location.href).href,
  };
  ort.env.wasm.numThreads = setup.threads;
  ort.env.wasm.proxy = setup.proxy ?? false;
  ort.env.logLevel = 'warning';
  return ort;
}
