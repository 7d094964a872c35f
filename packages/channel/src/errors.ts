/**
 * Errors of the channel package. Bad arguments at the API boundary are `TypeError`s;
 * configuration errors are the protocol's `ValidationError` (it names the field); what is
 * left is here.
 */

/** Base class: `name` is set, `cause` is kept. */
export class ChannelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A text SNR trace could not be parsed; `line` is 1-based. */
export class TraceParseError extends ChannelError {
  readonly line: number;
  constructor(line: number, message: string, options?: { cause?: unknown }) {
    super(`SNR trace line ${line}: ${message}`, options);
    this.line = line;
  }
}
