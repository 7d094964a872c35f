/**
 * @semaigc/diffusion: the split DDIM text-to-image runtime (browser-safe; ONNX Runtime is
 * injected). See README.md for the API, the receiver variants' math and the ablation.
 */
export * from './errors';
export * from './ddim-scheduler';
export * from './tokenizer';
export * from './bundle/manifest';
export * from './bundle/source';
export * from './bundle/load';
export * from './bundle/fixtures';
export type { OrtModule } from './ort';
export * from './text-encoder';
export * from './unet';
export * from './receiver-variants';
export * from './sampler';
export * from './decode';
export * from './checker';
export * from './grammar';
export * from './noise';
export * from './pipeline';
export * from './parity';
export * from './dtype';
export * from './clip-tokenizer';
export * from './standard/configs';
export * from './standard/manifest';
export * from './standard/io';
export * from './standard/tokenizer';
