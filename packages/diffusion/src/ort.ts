/**
 * The ONNX Runtime is injected: onnxruntime-node on edges and headless receivers,
 * onnxruntime-web in the browser (and in Node's wasm backend for tests). Both implement
 * onnxruntime-common's API, so this package only names those types.
 */
import type { InferenceSession, Tensor, TypedTensor } from 'onnxruntime-common';

export interface OrtModule {
  InferenceSession: {
    create(buffer: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: {
    new (type: 'float32', data: Float32Array, dims: readonly number[]): TypedTensor<'float32'>;
    new (type: 'int32', data: Int32Array, dims: readonly number[]): TypedTensor<'int32'>;
    /** Standard exports: CLIP's input_ids, Optimum's UNet timestep. */
    new (type: 'int64', data: BigInt64Array, dims: readonly number[]): TypedTensor<'int64'>;
    /** Half-precision exports: IEEE 754 binary16 bit patterns. */
    new (type: 'float16', data: Uint16Array, dims: readonly number[]): TypedTensor<'float16'>;
  };
}

export type { InferenceSession, Tensor };
