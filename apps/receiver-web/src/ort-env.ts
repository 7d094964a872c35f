/**
 * onnxruntime-web set-up shared by the receiver and the parity page. The default
 * onnxruntime-web build (JSEP) runs both the wasm backend (SIMD; threads when the page is
 * cross-origin isolated) and WebGPU. Its wasm glue and binary are imported with `?url`, so
 * Vite copies them into the build, and `wasmPaths` points ORT at exactly those files.
 */
import * as ort from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import glueUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import { DEFAULT_MAX_THREADS } from './config';

export type Ort = typeof ort;

/**
 * Threads for the wasm backend: 1 unless the page is cross-origin isolated (threads need
 * SharedArrayBuffer, which needs COOP/COEP), else the request or min(4, cores).
 */
export function wasmThreads(requested: number | null): number {
  if (!globalThis.crossOriginIsolated) return 1;
  if (requested !== null) return requested;
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(DEFAULT_MAX_THREADS, cores));
}

/** Configures ORT once, before the first session is created, and returns it. */
export function configureOrt(threads: number): Ort {
  ort.env.wasm.wasmPaths = {
    wasm: new URL(wasmUrl, location.href).href,
    mjs: new URL(glueUrl, location.href).href,
  };
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'warning';
  return ort;
}
