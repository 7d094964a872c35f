/**
 * Errors of the protocol package. Every failure to decode or validate a message is one of
 * these, so a caller can catch exactly the package's own errors (the fuzz test checks it).
 */

/** Base class: `name` is set, `cause` is kept. */
export class ProtocolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A value has the wrong shape or an out-of-range field; `path` names the field. */
export class ValidationError extends ProtocolError {
  /** Dotted path to the offending field, e.g. `channel.snrDb` ('' for the root). */
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(path ? `${path}: ${message}` : message, options);
    this.path = path;
  }
}
