import * as path from 'node:path';

/**
 * The committed default bundle (packages/models/default). Resolved from this file, so it is the
 * same whether the code runs from src/ (ts-jest, tsx) or dist/.
 */
export const DEFAULT_BUNDLE_DIR = path.resolve(__dirname, '..', 'default');

/** The Node script that checks each ONNX file against the PyTorch outputs saved in parity/. */
export const CHECK_ONNX_SCRIPT = path.resolve(__dirname, '..', 'scripts', 'check-onnx.js');

/** Component folders of the diffusers ONNX layout that every bundle has. */
export const COMPONENTS = [
  'text_encoder',
  'unet',
  'unet_finetune',
  'vae_encoder',
  'vae_decoder',
  'checker',
] as const;

export type ComponentName = (typeof COMPONENTS)[number];
