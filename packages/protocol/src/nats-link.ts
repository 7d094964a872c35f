/**
 * How every process (coordinator, edge, headless receivers) keeps its NATS link through an
 * outage, as plain data and a pure state machine, so the coordinator and the nodes share
 * one policy without this package importing `nats`:
 *
 * - `natsReconnectOptions(tracker)`: the nats.js connection options that reconnect
 *   indefinitely (`maxReconnectAttempts: -1`) with exponential backoff, 250 ms doubling to
 *   5 s, plus up to 250 ms of jitter so a lab's nodes do not all dial at the same instant.
 *   nats.js's own default gives up after 10 attempts 2 s apart, so a 20 s outage used to
 *   end every node.
 * - `NatsLinkTracker`: fed the client's status events, it knows the link's state
 *   (connected / reconnecting / closed) and returns one log line per change (a disconnect,
 *   the first dial of an outage, the reconnect with the outage's length, a new error),
 *   never one per dial attempt.
 */

export type NatsLinkState = 'connected' | 'reconnecting' | 'closed';

export interface NatsReconnectPolicy {
  /** Wait before the first dial after a disconnect, ms. */
  firstDelayMs: number;
  /** The backoff doubles up to this, ms. */
  maxDelayMs: number;
  /** A random 0..jitterMs is added to each wait, ms. */
  jitterMs: number;
  /**
   * How long one dial may take to the server's first PONG, ms. nats.js's 20 s was seen to
   * expire on a lab box whose cores were busy training (the process hardly scheduled).
   */
  connectTimeoutMs: number;
}

export const DEFAULT_NATS_RECONNECT: Readonly<NatsReconnectPolicy> = Object.freeze({
  firstDelayMs: 250,
  maxDelayMs: 5000,
  jitterMs: 250,
  connectTimeoutMs: 60_000,
});

/** The wait before dial number `dials` (0-based) of an outage, without jitter. */
export function reconnectBackoffMs(
  dials: number,
  policy: NatsReconnectPolicy = DEFAULT_NATS_RECONNECT,
): number {
  if (!Number.isInteger(dials) || dials < 0)
    throw new TypeError(`dials must be an integer >= 0, got ${dials}`);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(dials, 30));
}

/** A nats.js status event, structurally (this package does not import nats). */
export interface NatsStatusEvent {
  type: string;
  server?: string;
  error?: unknown;
}

export interface NatsLinkChange {
  level: 'info' | 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown>;
}

/** The link's state from status events; `event` returns the log line a change deserves. */
export class NatsLinkTracker {
  state: NatsLinkState = 'connected';
  /** `now()` when the link went down; null while connected. */
  downSince: number | null = null;
  /** Dial attempts in the current outage. */
  dials = 0;
  private lastError: string | null = null;

  constructor(
    private readonly policy: NatsReconnectPolicy = DEFAULT_NATS_RECONNECT,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next dial (nats.js `reconnectDelayHandler`). */
  nextDelayMs(): number {
    return reconnectBackoffMs(this.dials, this.policy) + Math.round(this.random() * this.policy.jitterMs);
  }

  event(s: NatsStatusEvent): NatsLinkChange | null {
    const server = s.server ?? null;
    switch (s.type) {
      case 'disconnect':
        if (this.state !== 'connected') return null;
        this.state = 'reconnecting';
        this.downSince = this.now();
        this.dials = 0;
        return { level: 'warn', msg: 'NATS disconnected; reconnecting with backoff', fields: { server } };
      case 'reconnecting':
        this.dials += 1;
        if (this.dials !== 1) return null;
        return {
          level: 'warn',
          msg: 'NATS reconnecting (indefinitely, backoff up to the limit)',
          fields: { maxDelayMs: this.policy.maxDelayMs },
        };
      case 'reconnect': {
        const downMs = this.downSince === null ? null : this.now() - this.downSince;
        const dials = this.dials;
        this.state = 'connected';
        this.downSince = null;
        this.dials = 0;
        this.lastError = null;
        return { level: 'info', msg: 'NATS reconnected', fields: { server, downMs, dials } };
      }
      case 'error': {
        const error = describe(s.error);
        if (error === this.lastError) return null;
        this.lastError = error;
        return { level: 'error', msg: 'NATS error', fields: { error } };
      }
      case 'staleConnection':
        return { level: 'warn', msg: 'NATS connection stale (pings unanswered)', fields: {} };
      case 'close':
        return this.closed(null);
      default:
        return null;
    }
  }

  /** The connection closed (`error`: why, when it gave up rather than was closed). */
  closed(error: unknown): NatsLinkChange | null {
    if (this.state === 'closed') return null;
    this.state = 'closed';
    if (error === null || error === undefined)
      return { level: 'info', msg: 'NATS connection closed', fields: {} };
    return { level: 'error', msg: 'NATS connection closed: gave up', fields: { error: describe(error) } };
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * nats.js connection options for a link that never gives up on its own: reconnect forever
 * with `tracker`'s backoff. (A connection still closes on a fatal error, e.g. credentials
 * the server refuses twice in a row; a process treats that as the end.)
 */
export function natsReconnectOptions(tracker: NatsLinkTracker): {
  reconnect: true;
  maxReconnectAttempts: -1;
  reconnectTimeWait: number;
  reconnectJitter: number;
  reconnectDelayHandler: () => number;
  timeout: number;
} {
  return {
    timeout: DEFAULT_NATS_RECONNECT.connectTimeoutMs,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: DEFAULT_NATS_RECONNECT.firstDelayMs,
    reconnectJitter: DEFAULT_NATS_RECONNECT.jitterMs,
    reconnectDelayHandler: () => tracker.nextDelayMs(),
  };
}

/** A NATS connection as far as following its link goes (nats.js's NatsConnection fits). */
export interface NatsLinkSource {
  status(): AsyncIterable<NatsStatusEvent>;
  closed(): Promise<void | Error>;
}

/**
 * Feeds `conn`'s status events to `tracker` and each change to `onChange` (a log line).
 * Resolves when the connection closes: with the error when it gave up, null when it was
 * closed on purpose (close/drain).
 */
export function followNatsLink(
  conn: NatsLinkSource,
  tracker: NatsLinkTracker,
  onChange: (c: NatsLinkChange) => void,
): Promise<Error | null> {
  void (async () => {
    // Ends when the connection closes.
    for await (const s of conn.status()) {
      if (s.type === 'close') continue; // reported below, with the reason
      const change = tracker.event(s);
      if (change) onChange(change);
    }
  })().catch(() => undefined);
  return conn.closed().then((err) => {
    const change = tracker.closed(err ?? null);
    if (change) onChange(change);
    return err ?? null;
  });
}
