/** Fixture parity on onnxruntime-node (CPU), the runtime of edges and headless receivers. */
import * as ort from 'onnxruntime-node';
import { defineParitySuite } from './parity-suite';

defineParitySuite(ort, { intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
