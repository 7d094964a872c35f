/**
 * Errors of the coordinator. Bad API arguments are `TypeError`s; a trial config that fails
 * validation is a `TrialConfigError` (a protocol `ValidationError`, so `path` names the
 * field); everything else that can go wrong while serving is one of these classes.
 * Errors that travel to nodes are wire `error` messages, never these objects.
 */
import { ValidationError, type ProtocolErrorOptions } from '@semaigc/protocol';

/** Base class: `name` is set, `cause` is kept. */
export class CoordinatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A trial config field is missing or out of range; `path` names it (`policy.edgeSteps`). */
export class TrialConfigError extends ValidationError {
  constructor(path: string, message: string, options?: ProtocolErrorOptions) {
    super(path, message, options);
    this.name = 'TrialConfigError';
  }
}

/** A trial cannot start: another one runs, or the nodes it needs did not come online. */
export class TrialStartError extends CoordinatorError {}

/** A trial id whose run folder exists already: refused, so its records are never overwritten. */
export class RunFolderExistsError extends TrialStartError {
  readonly code = 'TRIAL_ID_IN_USE';
  constructor(
    readonly trialId: string,
    readonly dir: string,
  ) {
    super(`trial id ${trialId} was used already (${dir} exists); choose another id`);
  }
}

/** A prompt source (list, grammar file) could not be read. */
export class PromptSourceError extends CoordinatorError {}

/** A policy or edge selector name is unknown or registered twice. */
export class PluginError extends CoordinatorError {}

/** The coordinator could not start (NATS unreachable, port taken). */
export class StartupError extends CoordinatorError {}
