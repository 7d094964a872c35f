/**
 * Node-side tfjs setup: the wasm backend cannot find its .wasm files from Node on its own,
 * so this resolves the package's dist directory and hands it to the browser-safe
 * `initTensorflow` of @semaigc/root.
 */
import * as path from 'node:path';
import { initTensorflow, type TfBackend } from '@semaigc/root';

export function wasmDirectory(): string {
  return (
    path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep
  );
}

export function initNodeTensorflow(backend: TfBackend = 'wasm'): Promise<string> {
  return initTensorflow(backend, backend === 'wasm' ? { wasmPaths: wasmDirectory() } : {});
}
