/**
 * The NATS connection of an edge or headless receiver: reconnects indefinitely with the
 * protocol's backoff (natsReconnectOptions) and logs each change of the link once
 * (disconnect, reconnecting, reconnect, error, close). `gaveUp` resolves only when the
 * connection closed without being asked to (a fatal error such as refused credentials),
 * so the process can exit non-zero with that error instead of running on without a link.
 */
import { type Authenticator, connect, type NatsConnection } from '@nats-io/transport-node';
import { followNatsLink, NatsLinkTracker, natsReconnectOptions, type NatsLinkState } from '@semaigc/protocol';
import { NatsLinkLostError } from './errors';
import type { NatsClientTls } from './nats-tls';
import type { Logger } from './logger';

export interface NatsLink {
  nc: NatsConnection;
  /** connected / reconnecting / closed. */
  readonly state: NatsLinkState;
  /** Resolves with the error when the connection gave up; never when it was closed on purpose. */
  readonly gaveUp: Promise<Error>;
}

export interface ConnectNatsOptions {
  servers: string;
  /** The client name the server shows (the node id). */
  name: string;
  authenticator?: Authenticator | undefined;
  /** TLS to the server (`tls://` URLs; `--tls-ca`). */
  tls?: NatsClientTls | undefined;
  logger: Logger;
}

/** Connects once (a first connect that fails throws); after that the link survives outages. */
export async function connectNats(o: ConnectNatsOptions): Promise<NatsLink> {
  const tracker = new NatsLinkTracker();
  const nc = await connect({
    servers: o.servers,
    name: o.name,
    ...natsReconnectOptions(tracker),
    ...(o.authenticator ? { authenticator: o.authenticator } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
  });
  const closed = followNatsLink(nc, tracker, (c) => o.logger[c.level](c.fields, c.msg));
  const gaveUp = closed.then((err) => (err ? err : new Promise<Error>(() => undefined)));
  return {
    nc,
    get state() {
      return tracker.state;
    },
    gaveUp,
  };
}

/**
 * Rejects with a NatsLinkLostError naming `who` and the cause once `gaveUp` resolves; never
 * settles otherwise. A long-running command races it with Ctrl-C, so a node whose link is
 * gone for good exits non-zero saying why instead of running on unreachable.
 */
export function natsLinkLost(gaveUp: Promise<Error>, who: string): Promise<never> {
  return gaveUp.then((err) => {
    throw new NatsLinkLostError(`${who}: the NATS connection closed for good: ${err.message}`, {
      cause: err,
    });
  });
}
