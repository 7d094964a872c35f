import * as path from 'node:path';

/**
 * The committed default bundle (packages/models/default). Resolved from this file, so it is the
 * same whether the code runs from src/ (ts-jest, tsx) or dist/.
 */
export const DEFAULT_BUNDLE_DIR = path.resolve(__dirname, '..', 'default');

/**
 * The Node script that checks each ONNX file against the PyTorch outputs saved in parity/.
 * It needs onnxruntime-node, a dev dependency of this package: only the pre-training
 * pipeline and the tests run it.
 */
export const CHECK_ONNX_SCRIPT = path.resolve(__dirname, '..', 'scripts', 'check-onnx.js');

/**
 * The committed tiny Stable-Diffusion-architecture export (packages/models/tiny-sd): SD v1.x's
 * interfaces in Optimum's layout, random weights; written by scripts/pretrain/tiny_sd/make.py.
 */
export const TINY_SD_DIR = path.resolve(__dirname, '..', 'tiny-sd');
