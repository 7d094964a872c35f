/**
 * A node's life on NATS: `hello` (request/reply, retried until a coordinator answers
 * `welcome`), `heartbeat` every interval the coordinator asked for, control messages on
 * `nodeControlSubject(id)`, and `bye` on close. Malformed control messages are logged and
 * dropped; the node keeps running.
 */
import { type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  BYE_SUBJECT,
  decode,
  encode,
  HEARTBEAT_SUBJECT,
  HELLO_SUBJECT,
  nodeControlSubject,
  PROTOCOL_VERSION,
  type Capabilities,
  type Message,
  type NodeRole,
  type WelcomeMessage,
} from '@semaigc/protocol';
import type { Logger } from './logger';

export const DEFAULT_HELLO_RETRY_MS = 1000;
export const DEFAULT_HELLO_TIMEOUT_MS = 2000;
/** Used until a coordinator's welcome says otherwise. */
export const DEFAULT_HEARTBEAT_MS = 2000;

export interface LifecycleOptions {
  nc: NatsConnection;
  nodeId: string;
  role: NodeRole;
  name: string;
  capabilities: () => Capabilities;
  /** inFlight/queued/stepMs for heartbeats. */
  load: () => { inFlight: number; queued: number; stepMs: number | null };
  onControl?: (msg: Message) => void;
  logger: Logger;
}

export class NodeLifecycle {
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private helloTimer: NodeJS.Timeout | null = null;
  private control: Subscription | null = null;
  private closed = false;
  welcome: WelcomeMessage | null = null;
  /** coordinator clock − local clock, ms (from welcome.serverTime; 0 until known). */
  clockOffsetMs = 0;

  constructor(private readonly o: LifecycleOptions) {}

  /** Starts listening for control messages and says hello (keeps retrying in the background). */
  start(): void {
    this.control = this.o.nc.subscribe(nodeControlSubject(this.o.nodeId), {
      callback: (err, m) => {
        if (err) return;
        try {
          const msg = decode(m.data);
          if (msg.type === 'welcome') this.onWelcome(msg);
          // A coordinator that restarted does not know us: it asks for a new hello.
          else if (msg.type === 'error' && msg.code === 'NODE_LOST') this.reannounce();
          this.o.onControl?.(msg);
        } catch (e) {
          this.o.logger.warn({ err: String(e), subject: m.subject }, 'dropped a malformed control message');
        }
      },
    });
    void this.hello();
  }

  /** Epoch ms on the coordinator's clock. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private onWelcome(w: WelcomeMessage): void {
    const first = this.welcome === null;
    this.welcome = w;
    this.clockOffsetMs = w.serverTime - Date.now();
    if (first) this.o.logger.info({ coordinator: w.coordinatorId }, 'welcomed by coordinator');
    this.schedule(w.heartbeatIntervalMs);
  }

  private async hello(): Promise<void> {
    if (this.closed) return;
    const msg = encode({
      v: PROTOCOL_VERSION,
      type: 'hello',
      nodeId: this.o.nodeId,
      role: this.o.role,
      name: this.o.name,
      capabilities: this.o.capabilities(),
      sentAt: Date.now(),
    });
    try {
      const reply = await this.o.nc.request(HELLO_SUBJECT, msg, { timeout: DEFAULT_HELLO_TIMEOUT_MS });
      const answer = decode(reply.data);
      if (answer.type === 'welcome') this.onWelcome(answer);
      else if (answer.type === 'error')
        this.o.logger.error({ code: answer.code, reason: answer.reason }, 'hello refused');
      return;
    } catch (err) {
      if (this.closed) return;
      this.o.logger.debug({ err: String(err) }, 'no coordinator yet; retrying hello');
    }
    this.helloTimer = setTimeout(() => void this.hello(), DEFAULT_HELLO_RETRY_MS);
  }

  /** Re-announces capabilities (e.g. after measuring the step time). */
  reannounce(): void {
    if (this.helloTimer) clearTimeout(this.helloTimer);
    void this.hello();
  }

  private schedule(intervalMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.beat(), intervalMs);
    this.timer.unref();
  }

  private beat(): void {
    if (this.closed || this.o.nc.isClosed()) return;
    const l = this.o.load();
    this.o.nc.publish(
      HEARTBEAT_SUBJECT,
      encode({
        v: PROTOCOL_VERSION,
        type: 'heartbeat',
        nodeId: this.o.nodeId,
        role: this.o.role,
        seq: this.seq++,
        sentAt: Date.now(),
        inFlight: l.inFlight,
        queued: l.queued,
        stepMs: l.stepMs,
      }),
    );
  }

  /** Says bye (best effort) and stops the timers and the control subscription. */
  async close(reason = 'shutdown'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.control?.unsubscribe();
    if (!this.o.nc.isClosed()) {
      this.o.nc.publish(
        BYE_SUBJECT,
        encode({
          v: PROTOCOL_VERSION,
          type: 'bye',
          nodeId: this.o.nodeId,
          role: this.o.role,
          reason,
          sentAt: Date.now(),
        }),
      );
      await this.o.nc.flush().catch(() => undefined);
    }
  }
}
