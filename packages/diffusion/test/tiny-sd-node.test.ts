/** The standard-export path on the tiny SD-architecture model, on onnxruntime-node (CPU). */
import * as ort from 'onnxruntime-node';
import { defineTinySdSuite } from './tiny-sd-suite';

defineTinySdSuite(ort, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
