/**
 * Fixture parity on onnxruntime-web's wasm backend running in Node: the same WebAssembly
 * kernels a browser receiver uses (the Chromium run is test/ in the repo root).
 */
import * as ort from 'onnxruntime-web';
import { defineParitySuite } from './parity-suite';

ort.env.wasm.numThreads = 1;
defineParitySuite(ort, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
