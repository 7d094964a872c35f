/**
 * The standard-export path on the tiny SD-architecture model, on onnxruntime-web's wasm
 * backend in Node: the kernels a browser receiver runs (the Chromium run is in test/).
 */
import * as ort from 'onnxruntime-web';
import { defineTinySdSuite } from './tiny-sd-suite';

ort.env.wasm.numThreads = 1;
defineTinySdSuite(ort, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
