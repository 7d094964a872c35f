/**
 * Picks and initialises the tfjs backend the agent trains on. `wasm` (XNNPACK, SIMD) is the
 * default: a batch-64 update of the paper's network costs 14.7 CPU-ms (median) there
 * against 113 CPU-ms on the pure-JS `cpu` backend (`npm run bench -- root`, README). In
 * Node, tfjs-backend-wasm's CommonJS build finds its .wasm files next to itself, so no
 * path is needed; in a browser or a bundle, pass `wasmPaths` (a URL prefix or directory
 * ending in '/').
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs-core's gradient functions, which training needs: tfjs-core's own
// register_all_gradients module is ESM-only, while tfjs-layers does it in both its CommonJS
// (Node, jest) and ES module (browser bundles) builds.
import '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfBackend = 'wasm' | 'cpu';
export const TF_BACKENDS: readonly TfBackend[] = ['wasm', 'cpu'];

export interface TfSetupOptions {
  /** Where the tfjs-backend-wasm .wasm files are (directory path or URL prefix ending in '/'). */
  wasmPaths?: string;
}

/** Makes `backend` the active tfjs backend; resolves to its name once ready. */
export async function initTensorflow(
  backend: TfBackend = 'wasm',
  options: TfSetupOptions = {},
): Promise<string> {
  if (!TF_BACKENDS.includes(backend)) {
    throw new TypeError(
      `initTensorflow: backend must be one of ${TF_BACKENDS.join(', ')}, got ${String(backend)}`,
    );
  }
  if (backend === 'wasm' && options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`initTensorflow: the ${backend} backend failed to initialise`);
  await tf.ready();
  return tf.getBackend();
}
