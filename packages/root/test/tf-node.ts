// Node-side tfjs setup for the tests: the wasm backend needs the directory of its .wasm files.
import * as path from 'node:path';
import { initTensorflow } from '@semaigc/root';

export async function initTfForTests(): Promise<void> {
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  await initTensorflow('wasm', { wasmPaths: path.dirname(wasmFile) + path.sep });
}
