/**
 * Two small channel codes so that users see what coding buys at a given channel SNR:
 * repetition-3 with majority decoding and Hamming(7,4) with syndrome decoding (corrects any
 * single error per codeword). Coded bits are block-interleaved (bit j of codeword c goes to
 * position j·C + c for C codewords) so that the bits of one codeword ride on different
 * symbols; for rep3 this is simply the whole block sent three times.
 */
import type { Code } from './theory';

/** Hamming(7,4), positions 1..7: parity at 1, 2, 4 and data at 3, 5, 6, 7 (0-based below). */
const DATA_POS = [2, 4, 5, 6] as const;

function interleave(words: Uint8Array, n: number): Uint8Array {
  const count = words.length / n;
  const out = new Uint8Array(words.length);
  for (let c = 0; c < count; c++) for (let j = 0; j < n; j++) out[j * count + c] = words[c * n + j]!;
  return out;
}

function deinterleave(stream: Uint8Array, n: number): Uint8Array {
  const count = stream.length / n;
  const out = new Uint8Array(stream.length);
  for (let c = 0; c < count; c++) for (let j = 0; j < n; j++) out[c * n + j] = stream[j * count + c]!;
  return out;
}

function hammingEncode(bits: Uint8Array): Uint8Array {
  const words = new Uint8Array((bits.length / 4) * 7);
  for (let w = 0; w < bits.length / 4; w++) {
    const d0 = bits[4 * w]!;
    const d1 = bits[4 * w + 1]!;
    const d2 = bits[4 * w + 2]!;
    const d3 = bits[4 * w + 3]!;
    const o = 7 * w;
    // Each parity bit makes the XOR over the positions whose index has that bit set zero.
    words[o] = d0 ^ d1 ^ d3; // covers 1, 3, 5, 7
    words[o + 1] = d0 ^ d2 ^ d3; // covers 2, 3, 6, 7
    words[o + 2] = d0;
    words[o + 3] = d1 ^ d2 ^ d3; // covers 4, 5, 6, 7
    words[o + 4] = d1;
    words[o + 5] = d2;
    words[o + 6] = d3;
  }
  return words;
}

function hammingDecode(words: Uint8Array): Uint8Array {
  const count = words.length / 7;
  const bits = new Uint8Array(count * 4);
  for (let w = 0; w < count; w++) {
    const o = 7 * w;
    let syndrome = 0;
    for (let p = 0; p < 7; p++) if (words[o + p]) syndrome ^= p + 1;
    for (let k = 0; k < 4; k++) {
      const pos = DATA_POS[k]!;
      bits[4 * w + k] = words[o + pos]! ^ (syndrome === pos + 1 ? 1 : 0);
    }
  }
  return bits;
}

/** Encodes `bits` (length a multiple of 4 for Hamming) into the interleaved coded stream. */
export function encode(bits: Uint8Array, code: Code): Uint8Array {
  switch (code) {
    case 'none':
      return bits;
    case 'rep3': {
      const out = new Uint8Array(bits.length * 3);
      out.set(bits, 0);
      out.set(bits, bits.length);
      out.set(bits, 2 * bits.length);
      return out;
    }
    case 'hamming74':
      if (bits.length % 4 !== 0)
        throw new TypeError(`hamming74: bit count ${bits.length} is not a multiple of 4`);
      return interleave(hammingEncode(bits), 7);
  }
}

/** Hard-decision decoding of the coded stream back to information bits. */
export function decode(coded: Uint8Array, code: Code): Uint8Array {
  switch (code) {
    case 'none':
      return coded;
    case 'rep3': {
      const n = coded.length / 3;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = coded[i]! + coded[n + i]! + coded[2 * n + i]! >= 2 ? 1 : 0;
      return out;
    }
    case 'hamming74':
      return hammingDecode(deinterleave(coded, 7));
  }
}

/** Coded length for `infoBits` information bits. */
export function codedLength(infoBits: number, code: Code): number {
  return code === 'none' ? infoBits : code === 'rep3' ? 3 * infoBits : (infoBits / 4) * 7;
}
