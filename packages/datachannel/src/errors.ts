/**
 * Errors of the datachannel package. Bad arguments at the API boundary are `TypeError`s; a
 * datagram that is not a latent packet, or that contradicts its payload, is a `PacketError`
 * naming the field.
 */

/** Base class: `name` is set, `cause` is kept. */
export class DatachannelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A received datagram could not be read as a latent packet; `field` names what was wrong. */
export class PacketError extends DatachannelError {
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`latent packet ${field}: ${message}`, options);
    this.field = field;
  }
}
