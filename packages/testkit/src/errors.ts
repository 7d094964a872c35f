/** Errors of the test kit: `name` set, `cause` kept. */
export class TestkitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** nats-server is missing, exited early or never became ready. */
export class NatsServerError extends TestkitError {}

/** Chromium is missing or failed to launch. */
export class BrowserLaunchError extends TestkitError {}
