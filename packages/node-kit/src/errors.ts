/** Errors of the Node kit: `name` set, `cause` kept. */
export class NodeKitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** nats-server is missing, exited early or never became ready. */
export class NatsServerError extends NodeKitError {}

/** NATS credentials are missing, unreadable or not a seed/creds file. */
export class NatsAuthError extends NodeKitError {}

/** A NATS connection closed for good on its own (it reconnects through outages; this is a fatal error). */
export class NatsLinkLostError extends NodeKitError {}
