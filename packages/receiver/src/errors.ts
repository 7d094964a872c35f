/** Errors of the receiver core: `name` set, `cause` kept. */
export class ReceiverError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request names a receiver variant this receiver does not have. */
export class UnknownVariantError extends ReceiverError {}
/** A job message could not be used (names the subject or socket event it came on). */
export class BadPayloadError extends ReceiverError {}
