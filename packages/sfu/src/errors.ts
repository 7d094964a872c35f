/** Errors of the SFU package: `name` is set, `cause` is kept. */
export class SfuError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No mediasoup worker binary where the SFU looked; the message says how to build one. */
export class WorkerBinNotFoundError extends SfuError {}

/** An operation named a receiver the SFU does not know (never opened, or closed). */
export class UnknownReceiverError extends SfuError {
  constructor(receiverId: string) {
    super(`[receiver:${receiverId}] no WebRTC transport open for this receiver`);
  }
}
