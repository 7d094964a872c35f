/**
 * Tensors at the ONNX boundary. The pipeline works in float32 (latents, text states) and
 * int32 (token ids); a model may want int64 ids or timesteps (CLIP and Optimum exports) or
 * float16 everywhere (half-precision exports). `feed` converts to what the model's input
 * says, `readFloat32` converts any float output back, so the sampler never sees the difference.
 */
import { fromFloat16Bits, toFloat16Bits } from '@semaigc/protocol';
import type { TensorDtype } from './bundle/manifest';
import { TensorError } from './errors';
import type { OrtModule, Tensor } from './ort';

/** A feed tensor of the model's dtype from pipeline data (float32 values or int32 ids). */
export function feed(
  ort: OrtModule,
  dtype: TensorDtype,
  data: Float32Array | Int32Array,
  dims: readonly number[],
  what: string,
): Tensor {
  switch (dtype) {
    case 'float32':
      return new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
    case 'float16':
      return new ort.Tensor('float16', toFloat16Bits(data), dims);
    case 'int32':
      return new ort.Tensor(
        'int32',
        data instanceof Int32Array ? data : Int32Array.from(data, Math.round),
        dims,
      );
    case 'int64':
      return new ort.Tensor(
        'int64',
        BigInt64Array.from(data, (v) => BigInt(Math.round(v))),
        dims,
      );
    default:
      throw new TensorError(`${what}: dtype ${String(dtype)} cannot be fed`);
  }
}

/** A float output as a fresh Float32Array (the runtime may reuse its buffer); disposes `t`. */
export function readFloat32(t: Tensor, what: string): Float32Array {
  let out: Float32Array;
  if (t.type === 'float32') out = new Float32Array(t.data as Float32Array);
  else if (t.type === 'float16') {
    // onnxruntime gives binary16 bits (Uint16Array), or a Float16Array where the platform has one.
    const d = t.data as ArrayLike<number>;
    out = d instanceof Uint16Array ? fromFloat16Bits(d) : Float32Array.from(d);
  } else {
    t.dispose();
    throw new TensorError(`${what}: dtype ${t.type}, a float tensor expected`);
  }
  t.dispose();
  return out;
}
