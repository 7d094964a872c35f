/**
 * The node session (packages/session) on NATS, for edges and headless receivers:
 * `NatsSessionTransport` maps the session's sends onto the protocol's subjects (lifecycle
 * messages on the node's own `node.<id>.*` subjects, which its credentials allow), its hello
 * onto a request/reply on `node.<id>.hello`, and delivers `nodeControlSubject(id)`;
 * `natsSession` wires one up with pino logging. The NATS client reconnects by itself, so
 * the link is up from `open` on. Records go through JetStream (record-publisher.ts) when a
 * publisher is given, so one sent while the coordinator is down is kept for it.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  encode,
  ERROR_SUBJECT,
  errorMessage,
  nodeControlSubject,
  nodeLifecycleSubject,
  PREVIEW_SUBJECT,
  RECORD_SUBJECT,
  type WireBytes,
} from '@semaigc/protocol';
import {
  NodeSession,
  type NodeSessionOptions,
  type SessionSendType,
  type SessionTransport,
  type TransportLink,
} from '@semaigc/session';
import type { Logger } from './logger';
import { RecordPublisher } from './record-publisher';

function subjectsOf(nodeId: string): { readonly [T in SessionSendType]: string } {
  return {
    heartbeat: nodeLifecycleSubject(nodeId, 'heartbeat'),
    bye: nodeLifecycleSubject(nodeId, 'bye'),
    record: RECORD_SUBJECT,
    preview: PREVIEW_SUBJECT,
    error: ERROR_SUBJECT,
  };
}

/** nats.js's error for a subject the server's permissions refused (on the error or its cause). */
function permissionViolation(err: unknown): { operation: string; subject: string } | null {
  for (let e = err; e instanceof Error; e = e.cause) {
    const v = e as Error & { operation?: unknown; subject?: unknown };
    if (e.name === 'PermissionViolationError' && typeof v.subject === 'string')
      return { operation: String(v.operation), subject: v.subject };
  }
  return null;
}

export class NatsSessionTransport implements SessionTransport {
  /** Subjects are routed by the server; the coordinator matches records by request id. */
  readonly holdUntilWelcomed = false;
  private control: Subscription | null = null;
  private readonly subjects: { readonly [T in SessionSendType]: string };

  constructor(
    private readonly nc: NatsConnection,
    private readonly nodeId: string,
    private readonly records: RecordPublisher | null = null,
  ) {
    this.subjects = subjectsOf(nodeId);
  }

  get peer(): string {
    return this.nc.getServer();
  }

  get connected(): boolean {
    return !this.nc.isClosed();
  }

  open(link: TransportLink): void {
    this.control = this.nc.subscribe(nodeControlSubject(this.nodeId), {
      callback: (err, m) => {
        if (!err) link.control(m.subject, m.data);
      },
    });
    link.up();
  }

  async request(_type: 'hello', bytes: Uint8Array, timeoutMs: number): Promise<WireBytes> {
    const subject = nodeLifecycleSubject(this.nodeId, 'hello');
    try {
      return (await this.nc.request(subject, bytes, { timeout: timeoutMs })).data;
    } catch (err) {
      const denied = permissionViolation(err);
      if (!denied) throw err;
      // Asking again cannot help: the session ends refused, with the reason in its log.
      return encode(
        errorMessage(
          'UNAUTHORIZED',
          `nats-server refused to let this node ${denied.operation} to ${denied.subject} ` +
            `(Permissions Violation): its credentials are not for node id '${this.nodeId}' ` +
            `(made for other ids, or by a 'semaigc creds init' from before per-node identities); ` +
            `make this node's with 'semaigc creds add <dir> --edge|--receiver ${this.nodeId}'`,
          { nodeId: this.nodeId },
        ),
      );
    }
  }

  send(type: SessionSendType, bytes: Uint8Array): void {
    if (type === 'record' && this.records) this.records.publish(bytes);
    else this.nc.publish(this.subjects[type], bytes);
  }

  async close(): Promise<void> {
    this.control?.unsubscribe();
    this.control = null;
    // The connection is the node's (shared by its subscriptions): flush the bye, keep it open.
    await this.records?.flush();
    if (!this.nc.isClosed()) await this.nc.flush().catch(() => undefined);
  }
}

export interface NatsSessionOptions extends Omit<
  NodeSessionOptions,
  'transport' | 'onState' | 'onBadMessage'
> {
  nc: NatsConnection;
  logger: Logger;
}

/** A `NodeSession` over `nc` that logs its state changes and dropped control messages. */
export function natsSession(o: NatsSessionOptions): NodeSession {
  const { nc, logger, ...rest } = o;
  const session: NodeSession = new NodeSession({
    ...rest,
    transport: new NatsSessionTransport(nc, o.nodeId, new RecordPublisher(nc, logger)),
    onState: (state, detail) => {
      if (state === 'welcomed')
        logger.info({ coordinator: session.welcome?.coordinatorId }, 'welcomed by coordinator');
      else if (state === 'refused') logger.error({ detail }, 'hello refused');
      else logger.debug({ state, detail }, 'no coordinator yet; retrying hello');
    },
    onBadMessage: (subject, err) =>
      logger.warn({ err: String(err), subject }, 'dropped a malformed control message'),
  });
  return session;
}
