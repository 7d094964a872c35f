/** Errors of the receiver page: `name` set, `cause` kept. */
export class ReceiverPageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A URL parameter has a value the page cannot use (names the parameter). */
export class PageConfigError extends ReceiverPageError {}

/** The coordinator refused our hello (wrong join code, bad capabilities, another version). */
export class HelloRefusedError extends ReceiverPageError {}

/** A message from the coordinator could not be used (names the socket event). */
export class BadPayloadError extends ReceiverPageError {}
