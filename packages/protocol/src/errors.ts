/**
 * Errors of the protocol package. Every failure to decode or validate a message is one of
 * these, so a caller can catch exactly the package's own errors (the fuzz test checks it).
 * Each carries an `ErrorCode` so that a node can answer a bad message with a wire error
 * `{ code, reason }` without guessing (see `toErrorMessage`).
 */
import type { ErrorCode } from './error-codes';

export interface ProtocolErrorOptions {
  cause?: unknown;
  /** Wire error code; each class has its own default. */
  code?: ErrorCode;
  /** Where it happened, e.g. `[request:abc] latent`; prefixed to the message. */
  context?: string;
}

/** Base class: `name` is set, `cause` is kept, `code` says which wire error it maps to. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  /** The `[kind:id] type` prefix of the message, '' if none. */
  readonly context: string;
  constructor(message: string, options?: ProtocolErrorOptions) {
    const context = options?.context ?? '';
    super(context ? `${context} ${message}` : message, { cause: options?.cause });
    this.name = new.target.name;
    this.code = options?.code ?? 'BAD_MESSAGE';
    this.context = context;
  }
}

/** A value has the wrong shape or an out-of-range field; `path` names the field. */
export class ValidationError extends ProtocolError {
  /** Dotted path to the offending field, e.g. `channel.snrDb` ('' for the root). */
  readonly path: string;
  constructor(path: string, message: string, options?: ProtocolErrorOptions) {
    super(path ? `${path}: ${message}` : message, options);
    this.path = path;
  }
}

/** The bytes are not a message at all: too large, empty, not msgpack, not a protocol envelope. */
export class DecodeError extends ProtocolError {}

/** The peer speaks another protocol version; nothing else of the message was looked at. */
export class VersionMismatchError extends DecodeError {
  /** What the peer sent in `v` (a number normally; whatever it was otherwise). */
  readonly peerVersion: unknown;
  readonly localVersion: number;
  constructor(peerVersion: unknown, localVersion: number, options?: ProtocolErrorOptions) {
    const peer =
      typeof peerVersion === 'number' ? `v${peerVersion}` : `an unknown version (${describe(peerVersion)})`;
    super(`peer speaks protocol ${peer}, this node v${localVersion}`, {
      ...options,
      code: 'VERSION_MISMATCH',
    });
    this.peerVersion = peerVersion;
    this.localVersion = localVersion;
  }
}

/**
 * A caught value as one line for a reason field or a message: `Name: message` for an
 * Error, the string itself otherwise. Loggers should get the error object (`{ err }`) so
 * the stack is kept; this is for text that travels or is shown.
 */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  if (typeof err === 'string') return err;
  try {
    return String(err);
  } catch {
    return Object.prototype.toString.call(err);
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'no v field';
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 32));
  return typeof v;
}
