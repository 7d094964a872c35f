// @semaigc/models: the default ONNX bundle (data) and where it lives, plus a Node
// `BundleSource` over a directory. Reading the manifest and fixtures, and loading the ONNX
// files, is @semaigc/diffusion's job (with an injected ONNX Runtime).
export { DEFAULT_BUNDLE_DIR, CHECK_ONNX_SCRIPT, TINY_SD_DIR } from './paths';
export { dirBundleSource } from './dir-source';
