/** Errors of the diffusion runtime: `name` set, `cause` kept. */
export class DiffusionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bundle file is missing or does not match its manifest (names the file and the mismatch). */
export class BundleError extends DiffusionError {}

/** A prompt cannot be tokenized (names the unknown word). */
export class TokenizerError extends DiffusionError {}

/** A tensor has the wrong shape or non-finite values (names the request and the tensor). */
export class TensorError extends DiffusionError {}
