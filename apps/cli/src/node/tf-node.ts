/**
 * The CLI's tfjs set-up. No .wasm directory is passed: in Node, tfjs-backend-wasm's CommonJS
 * build (`main`) finds its .wasm files next to itself (checked under node, tsx and jest).
 * Browsers and bundled builds are the ones that need `initTensorflow`'s `wasmPaths`.
 */
import { initTensorflow, type TfBackend } from '@semaigc/root';

export function initNodeTensorflow(backend: TfBackend = 'wasm'): Promise<string> {
  return initTensorflow(backend);
}
