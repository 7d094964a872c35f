/**
 * Tensors on the wire: `{ dtype, shape, data }` where `data` is the raw little-endian bytes
 * of the typed array (msgpack `bin`), never JSON or a number array. In memory a tensor holds
 * the typed array that matches its dtype (float16 as raw `Uint16Array` bits).
 *
 * Decoding checks, in this order, and says what and where:
 * dtype known → byte length a multiple of the element size → element count equals the
 * product of the shape → every element finite (float dtypes only).
 * The checks are plain loops rather than zod: they run over every element of a 64 KiB
 * latent and are most of the decode cost.
 */
import { z } from 'zod';
import { ValidationError } from './errors';
import { float16BitsToFloat32 } from './float16';

export const DTYPES = {
  float32: { bytes: 4, float: true },
  /** IEEE half as raw Uint16 bits (see float16.ts). */
  float16: { bytes: 2, float: true },
  int8: { bytes: 1, float: false },
  uint8: { bytes: 1, float: false },
} as const;

export type DType = keyof typeof DTYPES;
export const DTYPE_NAMES = Object.keys(DTYPES) as DType[];
export const MAX_TENSOR_RANK = 8;
/** Largest single dimension; the byte limit of the message bounds the product. */
export const MAX_TENSOR_DIM = 2 ** 31 - 1;

export type Float32Tensor = { dtype: 'float32'; shape: number[]; data: Float32Array };
export type Float16Tensor = { dtype: 'float16'; shape: number[]; data: Uint16Array };
export type Int8Tensor = { dtype: 'int8'; shape: number[]; data: Int8Array };
export type Uint8Tensor = { dtype: 'uint8'; shape: number[]; data: Uint8Array };
export type Tensor = Float32Tensor | Float16Tensor | Int8Tensor | Uint8Tensor;

/** The tensor as it is packed: raw little-endian bytes. */
export interface WireTensor {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

/**
 * `[object Float32Array]` etc.: checked by tag rather than `instanceof`, because typed
 * arrays from another realm (a worker, an iframe, jest's sandbox, structuredClone in Node)
 * fail `instanceof` against this realm's constructors.
 */
const TAG_OF = {
  float32: '[object Float32Array]',
  float16: '[object Uint16Array]',
  int8: '[object Int8Array]',
  uint8: '[object Uint8Array]',
} as const;

function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value);
}

/** A Uint8Array (or Node Buffer) from any realm. */
export function isUint8Array(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && tagOf(value) === '[object Uint8Array]';
}

/** zod schema for binary fields (msgpack bin decodes to Uint8Array / Buffer). */
export const bytesSchema = z.custom<Uint8Array>(isUint8Array, {
  message: 'must be binary (msgpack bin / Uint8Array)',
});

/** zod checks the structure; the element checks are `tensorFromWire`'s. */
export const wireTensorSchema = z.object({
  dtype: z.string().max(32),
  shape: z
    .array(
      z
        .number()
        .int('must be an integer')
        .min(1, 'dimensions must be >= 1')
        .max(MAX_TENSOR_DIM, `dimensions must be <= ${MAX_TENSOR_DIM}`),
    )
    .min(1, 'a tensor has rank >= 1')
    .max(MAX_TENSOR_RANK, `a tensor has rank <= ${MAX_TENSOR_RANK}`),
  data: bytesSchema,
});

const TYPED_ARRAY_OF = {
  float32: Float32Array,
  float16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
} as const;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, value);
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return shape.join('x');
}

/** Reverses the byte order of each `size`-byte element (for big-endian hosts). */
export function byteSwap(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) {
    for (let j = 0; j < size; j++) out[i + j] = bytes[i + size - 1 - j]!;
  }
  return out;
}

/** Where a tensor check failed: `[request:abc] latent` and the field path `tensor`. */
export interface TensorSite {
  context: string;
  path: string;
}

function fail(site: TensorSite, message: string, code: 'BAD_DTYPE' | 'SHAPE_MISMATCH' | 'NON_FINITE'): never {
  throw new ValidationError(site.path, message, { code, context: site.context });
}

/**
 * True when every element of a float32 array is finite. The sum of float32 values in
 * float64 cannot overflow (|x| < 3.5e38, so < 1e15 elements stay far below 1.8e308), and
 * NaN or ±Inf anywhere makes the sum non-finite (Inf − Inf is NaN). Four independent sums
 * break the add-latency chain: about 2.4× faster than a compare per element, and this scan
 * runs over every latent on both encode and decode.
 */
function allFiniteFloat32(a: Float32Array): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length & ~3;
  let i = 0;
  for (; i < n; i += 4) {
    s0 += a[i]!;
    s1 += a[i + 1]!;
    s2 += a[i + 2]!;
    s3 += a[i + 3]!;
  }
  for (; i < a.length; i++) s0 += a[i]!;
  const s = s0 + s1 + s2 + s3;
  return s - s === 0;
}

/** float16 bits: exponent all ones ⇔ Inf or NaN; adding 1 to the exponent carries into bit 15. */
function allFiniteFloat16(a: Uint16Array): boolean {
  let m = 0;
  for (let i = 0; i < a.length; i++) m |= (a[i]! & 0x7c00) + 0x0400;
  return (m & 0x8000) === 0;
}

/** Index of the first NaN/±Inf element of a float tensor, or -1 (always -1 for int dtypes). */
export function firstNonFinite(t: Tensor): number {
  if (t.dtype === 'float32') {
    if (allFiniteFloat32(t.data)) return -1;
    const a = t.data;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  } else if (t.dtype === 'float16') {
    if (allFiniteFloat16(t.data)) return -1;
    const a = t.data;
    for (let i = 0; i < a.length; i++) if ((a[i]! & 0x7c00) === 0x7c00) return i;
  }
  return -1;
}

function describeElement(t: Tensor, i: number): string {
  const v = t.dtype === 'float16' ? float16BitsToFloat32(t.data[i]!) : Number(t.data[i]);
  return String(v);
}

/** Checks element count against shape and, for float dtypes, finiteness. */
export function checkTensor(t: Tensor, site: TensorSite): void {
  const want = elementCount(t.shape);
  if (t.data.length !== want) {
    fail(
      site,
      `shape ${formatShape(t.shape)} needs ${want} elements, got ${t.data.length}`,
      'SHAPE_MISMATCH',
    );
  }
  if (DTYPES[t.dtype].float) {
    const i = firstNonFinite(t);
    if (i >= 0) fail(site, `element ${i} of ${t.data.length} is ${describeElement(t, i)}`, 'NON_FINITE');
  }
}

/**
 * In-memory tensor → wire form (a byte view, no copy on little-endian hosts). Only the
 * dtype/array class is checked here; count and finiteness are `tensorFromWire`'s, which
 * `encode` runs on the result so both directions apply the same rules.
 */
export function tensorToWire(t: Tensor, site: TensorSite): WireTensor {
  if (!isDType(t.dtype))
    fail(site, `unknown dtype ${JSON.stringify(t.dtype)} (known: ${DTYPE_NAMES.join(', ')})`, 'BAD_DTYPE');
  if (tagOf(t.data) !== TAG_OF[t.dtype]) {
    const want = TAG_OF[t.dtype].slice(8, -1);
    fail(site, `dtype ${t.dtype} needs data as a ${want}, got ${tagOf(t.data).slice(8, -1)}`, 'BAD_DTYPE');
  }
  let data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (!HOST_LITTLE_ENDIAN && DTYPES[t.dtype].bytes > 1) data = byteSwap(data, DTYPES[t.dtype].bytes);
  return { dtype: t.dtype, shape: t.shape, data };
}

export interface FromWireOptions {
  /** Always copy the bytes into a fresh buffer (else only when unaligned). */
  copy: boolean;
}

/**
 * Wire form (zod-checked structure) → typed tensor, with the dtype, length, count and
 * finiteness checks. Views the input bytes when they are aligned and `copy` is false;
 * copies otherwise (a Float32Array needs a 4-byte aligned offset).
 */
export function tensorFromWire(w: WireTensor, site: TensorSite, options: FromWireOptions): Tensor {
  const dtype = w.dtype;
  if (!isDType(dtype)) {
    fail(site, `unknown dtype ${JSON.stringify(dtype)} (known: ${DTYPE_NAMES.join(', ')})`, 'BAD_DTYPE');
  }
  const size = DTYPES[dtype].bytes;
  let bytes = w.data;
  if (bytes.byteLength % size !== 0) {
    fail(site, `data has ${bytes.byteLength} bytes, not a multiple of ${size} (${dtype})`, 'SHAPE_MISMATCH');
  }
  const want = elementCount(w.shape);
  const got = bytes.byteLength / size;
  // Checked before any copy, so a lying header cannot make us allocate.
  if (got !== want)
    fail(site, `shape ${formatShape(w.shape)} needs ${want} elements, got ${got}`, 'SHAPE_MISMATCH');
  if (!HOST_LITTLE_ENDIAN && size > 1) bytes = byteSwap(bytes, size);
  // A fresh buffer at offset 0 (Uint8Array's slice, not Buffer's, which returns a view).
  else if (options.copy || bytes.byteOffset % size !== 0) bytes = Uint8Array.prototype.slice.call(bytes);
  const data = new TYPED_ARRAY_OF[dtype](bytes.buffer as ArrayBuffer, bytes.byteOffset, got);
  const t = { dtype, shape: w.shape, data } as Tensor;
  if (DTYPES[dtype].float) {
    const i = firstNonFinite(t);
    if (i >= 0) fail(site, `element ${i} of ${got} is ${describeElement(t, i)}`, 'NON_FINITE');
  }
  return t;
}
