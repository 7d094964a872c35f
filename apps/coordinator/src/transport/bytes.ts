/** socket.io hands binary payloads over as Buffer or ArrayBuffer; the codec wants Uint8Array. */

/** `Buffer`/`ArrayBuffer`/`Uint8Array` → `Uint8Array`; anything else → null. */
export function asBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}
