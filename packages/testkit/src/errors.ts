/** Errors of the test kit: `name` set, `cause` kept. */
export class TestkitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** nats-server is missing, exited early or never became ready (defined in @semaigc/node-kit). */
export { NatsServerError } from '@semaigc/node-kit';

/** Chromium is missing or failed to launch. */
export class BrowserLaunchError extends TestkitError {}
