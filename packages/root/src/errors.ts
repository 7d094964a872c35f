/**
 * Errors of the ROOT package. Bad arguments at the API boundary are plain `TypeError`s;
 * these classes are for data that is well-typed but unusable: a calibration table that
 * cannot be fitted, a checkpoint that does not match the network, a profile out of range.
 */

/** Base class: `name` is set to the subclass name, `cause` is kept. */
export class RootError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A service profile (paper or measured) has an invalid field; `field` names it. */
export class ProfileError extends RootError {
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

/** A split-benchmark calibration file cannot be turned into a profile. */
export class CalibrationError extends RootError {}

/** A saved agent cannot be loaded: wrong format, version, or shapes. */
export class CheckpointError extends RootError {}
