/** A bundle on disk is missing, unreadable or not shaped as manifest.json says. */
export class BundleError extends Error {
  override readonly name = 'BundleError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
