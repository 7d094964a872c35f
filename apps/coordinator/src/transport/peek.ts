/**
 * Best-effort sender id of a message that failed to decode, so a drop can be logged with
 * the node that sent it: msgpack is unpacked without any protocol checks and the first of
 * nodeId / receiverId / edgeId that is a valid id is returned. Never throws.
 */
import { isSubjectToken } from '@semaigc/protocol';
import { Unpackr } from 'msgpackr';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, structuredClone: false });

export function peekSenderId(bytes: unknown): string | null {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) return null;
  try {
    const v: unknown = unpackr.unpack(bytes);
    if (typeof v !== 'object' || v === null) return null;
    const o = v as Record<string, unknown>;
    for (const k of ['nodeId', 'receiverId', 'edgeId']) if (isSubjectToken(o[k])) return o[k];
  } catch {
    // Not msgpack at all: nothing to peek.
  }
  return null;
}

/** `Buffer`/`ArrayBuffer`/`Uint8Array` → `Uint8Array`; anything else → null. */
export function asBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return null;
}
