/**
 * A short, stable fingerprint of a Float32Array's exact bits (cyrb53-style, 53 bits, hex),
 * so that "same seed, same output" can be checked across processes and runtimes by
 * comparing strings (test/golden.test.ts, and the browser test that reuses its golden file).
 */
export function digestFloat32(x: Float32Array): string {
  // Reinterpreting as uint32 reads the IEEE bit pattern, independent of byte order.
  const words = new Uint32Array(x.buffer, x.byteOffset, x.length);
  let h1 = 0xdeadbeef ^ x.length;
  let h2 = 0x41c6ce57 ^ x.length;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    h1 = Math.imul(h1 ^ w, 2654435761);
    h2 = Math.imul(h2 ^ w, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const v = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return v.toString(16).padStart(14, '0');
}
