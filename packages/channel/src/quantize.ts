/**
 * Per-tensor uniform quantisation for digital links: q-bit codes between the tensor's min
 * and max. The offset and step are side information (two float32, 64 bits) assumed to
 * arrive intact, as a real system would protect them.
 */

/** Bits of side information per tensor: offset and step as float32. */
export const SIDE_INFO_BITS = 64;

export interface Quantized {
  codes: Uint16Array;
  bits: number;
  /** x ≈ offset + step·code. */
  offset: number;
  step: number;
}

/** Quantises to `bits` ∈ [1, 16] bits per element. */
export function quantize(x: Float32Array, bits: number): Quantized {
  if (!Number.isInteger(bits) || bits < 1 || bits > 16)
    throw new TypeError(`quantize: bits must be 1..16, got ${bits}`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const top = 2 ** bits - 1;
  // Side information travels as float32, so quantise with the values the receiver will see.
  const offset = Math.fround(min);
  const step = Math.fround((max - min) / top);
  const codes = new Uint16Array(x.length);
  if (step > 0) {
    const inv = 1 / step;
    for (let i = 0; i < x.length; i++) {
      const c = Math.round((x[i]! - offset) * inv);
      codes[i] = c < 0 ? 0 : c > top ? top : c;
    }
  }
  return { codes, bits, offset, step };
}

export function dequantize(q: Quantized, out: Float32Array = new Float32Array(q.codes.length)): Float32Array {
  for (let i = 0; i < q.codes.length; i++) out[i] = q.offset + q.step * q.codes[i]!;
  return out;
}

/** Codes to bits, most significant first: bits[i·q + k] is bit (q−1−k) of code i. */
export function codesToBits(codes: ArrayLike<number>, q: number): Uint8Array {
  const bits = new Uint8Array(codes.length * q);
  let j = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    for (let k = q - 1; k >= 0; k--) bits[j++] = (c >>> k) & 1;
  }
  return bits;
}

export function bitsToCodes(bits: Uint8Array, q: number, out: Uint16Array): void {
  let j = 0;
  for (let i = 0; i < out.length; i++) {
    let c = 0;
    for (let k = 0; k < q; k++) c = (c << 1) | bits[j++]!;
    out[i] = c;
  }
}
