// @semaigc/models: where the default ONNX bundle lives and how to read its manifest and fixtures
// (Node only; runtimes load the ONNX files through @semaigc/diffusion with an injected ONNX Runtime).
export { BundleError } from './errors';
export { DEFAULT_BUNDLE_DIR, CHECK_ONNX_SCRIPT, COMPONENTS } from './paths';
export type { ComponentName } from './paths';
export { readManifest, componentPath } from './manifest';
export type { BundleManifest, ComponentSpec, TensorSpec, TensorDtype } from './manifest';
export { readFixtureIndex, readFixtureArray } from './fixtures';
export type { ArrayEntry, FixtureCase, FixtureIndex } from './fixtures';
export { dirBundleSource } from './dir-source';
