/**
 * The msgpackr codec. One function each way, the same rules both ways:
 *
 *   encode(msg)   in-memory message → wire form (tensors as raw bytes) → validate → msgpack
 *   decode(bytes) size limit → version → msgpack → validate → binary checks → message
 *
 * The version is read from the first bytes before msgpack is parsed at all (encode always
 * writes `v` as the first key), so a peer of another version gets
 * "peer speaks protocol vN, this node vM" even if its message layout changed completely.
 */
import { Packr, Unpackr } from 'msgpackr';
import { DecodeError, describeError, ProtocolError, ValidationError, VersionMismatchError } from './errors';
import { isSubjectToken } from './ids';
import {
  MESSAGE_SPECS,
  type Message,
  type MessageBody,
  type MessageInput,
  type MessageInputOf,
  type MessageOf,
  type MessageType,
  isMessageType,
} from './messages';
import type { TensorSite } from './tensor';
import { parseWith } from './validate';
import { PROTOCOL_VERSION } from './version';

/** 8 MiB: a 512×512 RGBA image (1 MiB) or a 4×128×128 float32 latent (256 KiB) with room. */
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface DecodeOptions {
  /** Bytes above which a message is refused before it is parsed (TOO_LARGE). */
  maxBytes?: number;
  /**
   * Copy tensor and image bytes into fresh buffers (default true). With false, an aligned
   * tensor is a view into the input bytes (zero-copy; the input must then not be reused).
   */
  copy?: boolean;
}

export interface EncodeOptions {
  /** Validate before packing (default true): a sender's bug surfaces at the sender. */
  validate?: boolean;
  /** Refuse to produce a message larger than this (default DEFAULT_MAX_MESSAGE_BYTES). */
  maxBytes?: number;
}

// Plain msgpack maps (no records/structures), so any msgpack implementation can read it;
// 64-bit integers from foreign peers become numbers; no structured-clone references.
const packr = new Packr({ useRecords: false, structuredClone: false, bundleStrings: false });
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  structuredClone: false,
  int64AsType: 'number',
});

/** `[request:abc] latent` — where a failure happened, from whatever ids the value has. */
export function contextOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return 'message';
  const o = value as Record<string, unknown>;
  const what = isMessageType(o.type) ? o.type : 'message';
  for (const [key, kind] of [
    ['requestId', 'request'],
    ['trialId', 'trial'],
    ['nodeId', 'node'],
  ] as const) {
    if (isSubjectToken(o[key])) return `[${kind}:${o[key]}] ${what}`;
  }
  return what;
}

/**
 * The version in the first bytes of a message this codec wrote: a map whose first key is
 * `v` followed by an unsigned int. Returns undefined when the bytes do not start that way
 * (the check then happens after unpacking), and the raw value if `v` is not a small int.
 */
export function peekVersion(bytes: Uint8Array): number | undefined {
  const b0 = bytes[0];
  let i: number;
  if (b0 === undefined) return undefined;
  if (b0 >= 0x80 && b0 <= 0x8f)
    i = 1; // fixmap
  else if (b0 === 0xde)
    i = 3; // map16
  else if (b0 === 0xdf)
    i = 5; // map32
  else return undefined;
  if (bytes[i] !== 0xa1 || bytes[i + 1] !== 0x76) return undefined; // fixstr "v"
  const t = bytes[i + 2];
  if (t === undefined) return undefined;
  if (t <= 0x7f) return t; // positive fixint
  if (t === 0xcc && bytes.length > i + 3) return bytes[i + 3];
  if (t === 0xcd && bytes.length > i + 4) return (bytes[i + 3]! << 8) | bytes[i + 4]!;
  return undefined;
}

/**
 * Best-effort sender id of bytes that failed to decode, so a drop can be logged with the
 * node that sent it: msgpack is unpacked without any protocol checks and the first of
 * nodeId / receiverId / edgeId that is a valid id is returned. Never throws; null when the
 * bytes are not msgpack, not a map, or name no sender.
 */
export function peekSenderId(bytes: unknown): string | null {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) return null;
  if (bytes.byteLength > DEFAULT_MAX_MESSAGE_BYTES) return null;
  let v: unknown;
  try {
    v = unpackr.unpack(bytes);
  } catch {
    return null; // not msgpack at all: nothing to peek
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  for (const k of ['nodeId', 'receiverId', 'edgeId']) if (isSubjectToken(o[k])) return o[k];
  return null;
}

function checkVersion(v: unknown, context: string): void {
  if (v === PROTOCOL_VERSION) return;
  // No `v` at all: not an envelope of any version, so not a version problem.
  if (v === undefined) throw new DecodeError('not a protocol message: no v field', { context });
  throw new VersionMismatchError(v, PROTOCOL_VERSION, { context });
}

/** Validates a wire-form value; returns the parsed wire form (what gets packed) and the message. */
function checkWire(wire: unknown, copy: boolean, sending = false): { wire: unknown; message: Message } {
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
    throw new DecodeError(
      `not a protocol message: expected a map, got ${Array.isArray(wire) ? 'an array' : typeof wire}`,
    );
  }
  const context = contextOf(wire);
  const o = wire as Record<string, unknown>;
  if (sending && o.v !== PROTOCOL_VERSION) {
    throw new ValidationError(
      'v',
      `must be this node's PROTOCOL_VERSION ${PROTOCOL_VERSION}, got ${String(o.v)}`,
      {
        context,
      },
    );
  }
  checkVersion(o.v, context);
  if (!isMessageType(o.type)) {
    const shown = typeof o.type === 'string' ? JSON.stringify(o.type.slice(0, 40)) : typeof o.type;
    throw new ValidationError('type', `unknown message type ${shown}`, { code: 'UNKNOWN_TYPE', context });
  }
  const spec = MESSAGE_SPECS[o.type];
  const parsed: unknown = parseWith(spec.schema, wire, '', { context });
  const site: TensorSite = { context, path: '' };
  return {
    wire: parsed,
    message: spec.fromWire ? spec.fromWire(parsed as never, site, copy) : (parsed as Message),
  };
}

function toWire(msg: MessageInput, context: string): unknown {
  const spec = isMessageType(msg.type) ? MESSAGE_SPECS[msg.type] : undefined;
  return spec?.toWire ? spec.toWire(msg as never, { context, path: '' }) : msg;
}

function checkMaxBytes(maxBytes: unknown): number {
  if (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError(`maxBytes must be a positive integer, got ${String(maxBytes)}`);
  }
  return maxBytes;
}

/** `{ v, type, ...body }`; validation happens in `encode`/`validateMessage`. */
export function makeMessage<T extends MessageType>(type: T, body: MessageBody<T>): MessageInputOf<T> {
  return { v: PROTOCOL_VERSION, type, ...body } as unknown as MessageInputOf<T>;
}

/**
 * Validates an in-memory message (as built by a node) with exactly the rules `decode`
 * applies, and returns it with defaults filled and unknown fields dropped.
 */
export function validateMessage(value: unknown): Message {
  if (typeof value !== 'object' || value === null) {
    throw new ValidationError(
      '',
      `a message must be an object, got ${value === null ? 'null' : typeof value}`,
    );
  }
  const context = contextOf(value);
  return checkWire(toWire(value as MessageInput, context), false, true).message;
}

/** Message → msgpack bytes. Throws ValidationError (field named) if the message is invalid. */
export function encode(msg: MessageInput, options: EncodeOptions = {}): Uint8Array {
  const { validate = true } = options;
  const maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  if (typeof msg !== 'object' || msg === null)
    throw new TypeError(`encode: expected a message object, got ${typeof msg}`);
  const context = contextOf(msg);
  let wire = toWire(msg, context);
  // Pack the validated wire form: defaults filled, unknown keys dropped, and `v` first
  // (the schemas list it first; without validation we put it there), for peekVersion.
  if (validate) wire = checkWire(wire, false, true).wire;
  else wire = Object.assign({ v: msg.v, type: msg.type }, wire);
  const bytes = packr.pack(wire);
  if (bytes.byteLength > maxBytes) {
    throw new ValidationError(
      '',
      `encoded message is ${bytes.byteLength} bytes, over the limit of ${maxBytes}`,
      {
        code: 'TOO_LARGE',
        context,
      },
    );
  }
  return bytes;
}

/** msgpack bytes → validated message. Throws only DecodeError/VersionMismatchError/ValidationError. */
export function decode(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): Message {
  const { copy = true } = options;
  const maxBytes = checkMaxBytes(options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  let u8: Uint8Array;
  if (bytes instanceof Uint8Array) u8 = bytes;
  else if (bytes instanceof ArrayBuffer) u8 = new Uint8Array(bytes);
  else throw new TypeError(`decode: expected Uint8Array or ArrayBuffer, got ${typeof bytes}`);
  // Before msgpackr sees it: declared lengths inside can never exceed what we accept here.
  if (u8.byteLength > maxBytes) {
    throw new DecodeError(`message is ${u8.byteLength} bytes, over the limit of ${maxBytes}`, {
      code: 'TOO_LARGE',
    });
  }
  if (u8.byteLength === 0) throw new DecodeError('empty message');
  const peeked = peekVersion(u8);
  if (peeked !== undefined) checkVersion(peeked, 'message');
  let wire: unknown;
  try {
    wire = unpackr.unpack(u8);
  } catch (err) {
    const why = err instanceof Error ? err.message : describeError(err);
    throw new DecodeError(`not valid msgpack (${why.slice(0, 200)})`, { cause: err });
  }
  return checkWire(wire, copy).message;
}

/** Decodes and checks the type: for a channel that carries one kind (a socket.io event). */
export function decodeAs<T extends MessageType>(
  type: T,
  bytes: Uint8Array | ArrayBuffer,
  options: DecodeOptions = {},
): MessageOf<T> {
  const msg = decode(bytes, options);
  if (msg.type !== type) {
    throw new ValidationError('type', `expected a ${type} message, got ${msg.type}`, {
      context: contextOf(msg),
    });
  }
  return msg as MessageOf<T>;
}

export type DecodeResult = { ok: true; message: Message } | { ok: false; error: ProtocolError };

/** Non-throwing decode for the package's own errors (anything else still throws: a bug). */
export function tryDecode(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): DecodeResult {
  try {
    return { ok: true, message: decode(bytes, options) };
  } catch (error) {
    if (error instanceof ProtocolError) return { ok: false, error };
    throw error;
  }
}

/** Like socket.io-parser's isPacketValid(): true when `bytes` decode to a valid message. */
export function isMessageValid(bytes: Uint8Array | ArrayBuffer, options: DecodeOptions = {}): boolean {
  return tryDecode(bytes, options).ok;
}
