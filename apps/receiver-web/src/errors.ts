/**
 * Errors of the receiver page: `name` set, `cause` kept. The build keeps class names
 * (vite.config.mts `keepNames`), so the minified page still says `ModelMemoryError: …`.
 */
export class ReceiverPageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A URL parameter has a value the page cannot use (names the parameter). */
export class PageConfigError extends ReceiverPageError {}

/** The inference worker failed, crashed or replied with an error (the message says which). */
export class InferenceWorkerError extends ReceiverPageError {}

/** The model needs more memory than this device's limit (the message gives both figures). */
export class ModelMemoryError extends ReceiverPageError {}
