/**
 * A node's session with the coordinator over any `SessionTransport`: `hello` on every link up
 * (retried until answered), `welcome` → clock offset and `heartbeat`s at the interval it
 * asks for, `error NODE_LOST` on the control channel → hello again (the coordinator
 * restarted), `bye` on close. Records, previews and errors go out through `send`; on a
 * transport that holds them they wait in an outbox until welcomed. Every message is built
 * with the protocol's `makeMessage` and checked by `encode`. The decisions live in
 * ./transitions; this class runs their effects.
 */
import {
  decode,
  encode,
  makeMessage,
  type Capabilities,
  type Message,
  type MessageInputOf,
  type NodeRole,
  type WelcomeMessage,
  type WireBytes,
} from '@semaigc/protocol';
import { DEFAULT_HELLO_RETRY_MS, DEFAULT_HELLO_TIMEOUT_MS, DEFAULT_OUTBOX_LIMIT } from './defaults';
import { Outbox } from './outbox';
import type { SessionSendType, SessionTransport } from './transport';
import {
  INITIAL_SNAPSHOT,
  transition,
  type LinkState,
  type SessionEffect,
  type SessionEvent,
  type SessionPhase,
  type SessionSnapshot,
} from './transitions';

/** What a node reports in each heartbeat. */
export interface NodeLoad {
  inFlight: number;
  queued: number;
  stepMs: number | null;
}

/** What a node sends besides the session's own messages. */
export type OutgoingMessage = MessageInputOf<'record'> | MessageInputOf<'preview'> | MessageInputOf<'error'>;

export interface NodeSessionOptions {
  transport: SessionTransport;
  nodeId: string;
  role: NodeRole;
  name: string;
  /** Read at every hello, so a re-announce carries the current values. */
  capabilities: () => Capabilities;
  load: () => NodeLoad;
  /** Coordinator messages other than welcome (trial.*, error), already decoded. */
  onMessage?: (msg: Message) => void;
  onState?: (state: LinkState, detail: string) => void;
  /** A coordinator message that did not decode or was not the expected type (it is dropped). */
  onBadMessage?: (source: string, err: unknown) => void;
  helloTimeoutMs?: number;
  helloRetryMs?: number;
  outboxLimit?: number;
}

type Timer = ReturnType<typeof setTimeout>;

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Node's timers keep a process alive; heartbeats alone should not. A browser timer is a number. */
function unref(t: unknown): void {
  const timer = t as { unref?: () => void } | null;
  if (typeof timer?.unref === 'function') timer.unref();
}

export class NodeSession {
  private snap: SessionSnapshot = INITIAL_SNAPSHOT;
  private readonly queue: SessionEvent[] = [];
  private dispatching = false;
  private beats: Timer | null = null;
  private retry: Timer | null = null;
  private seq = 0;
  private closing: Promise<void> = Promise.resolve();
  private readonly outbox: Outbox<[SessionSendType, Uint8Array]>;
  private readonly helloTimeoutMs: number;
  /** Sent with every hello: tells the coordinator this run of the node from another one with its id. */
  readonly instance = randomInstanceId();
  private readonly helloRetryMs: number;
  /** The latest welcome (kept across reconnects for the clock offset). */
  welcome: WelcomeMessage | null = null;
  /** Coordinator clock − local clock, ms (from welcome.serverTime; 0 until known). */
  clockOffsetMs = 0;

  constructor(private readonly o: NodeSessionOptions) {
    this.helloTimeoutMs = o.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
    this.helloRetryMs = o.helloRetryMs ?? DEFAULT_HELLO_RETRY_MS;
    this.outbox = new Outbox(o.outboxLimit ?? DEFAULT_OUTBOX_LIMIT);
  }

  get state(): SessionPhase {
    return this.snap.phase;
  }

  /** Welcomed on the current link: sends go out at once. */
  get welcomed(): boolean {
    return this.snap.phase === 'welcomed' && this.snap.linkUp && this.o.transport.connected;
  }

  /** Messages waiting for a welcome. */
  get pending(): number {
    return this.outbox.size;
  }

  /** Epoch ms on the coordinator's clock (local until the first welcome). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Opens the transport and says hello once it is up; also reopens a closed session. */
  start(): void {
    this.dispatch({ kind: 'start', peer: this.o.transport.peer });
  }

  /** Says hello again on the current link (e.g. after measuring the step time). */
  reannounce(): void {
    this.dispatch({ kind: 'reannounce' });
  }

  /** Encodes and sends, or keeps it until welcomed. Throws if the message does not validate. */
  send(msg: OutgoingMessage): void {
    const bytes = encode(msg);
    if (this.welcomed || !this.o.transport.holdUntilWelcomed) this.o.transport.send(msg.type, bytes);
    else this.outbox.push([msg.type, bytes]);
  }

  /** Says bye (best effort) and closes the transport. */
  close(reason = 'shutdown'): Promise<void> {
    this.dispatch({ kind: 'close', reason });
    return this.closing;
  }

  /** Runs events to completion one at a time, also those a transport raises from inside an effect. */
  private dispatch(event: SessionEvent): void {
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let e = this.queue.shift(); e; e = this.queue.shift()) {
        const { next, effects } = transition(this.snap, e);
        this.snap = next;
        for (const fx of effects) this.run(fx);
      }
    } finally {
      this.dispatching = false;
    }
  }

  private run(fx: SessionEffect): void {
    const t = this.o.transport;
    switch (fx.kind) {
      case 'open':
        t.open({
          up: () => this.dispatch({ kind: 'link-up' }),
          down: (detail, retrying) => this.dispatch({ kind: 'link-down', detail, retrying }),
          control: (source, bytes) => this.onControl(source, bytes),
        });
        break;
      case 'send-hello':
        this.hello(fx.epoch, fx.hello);
        break;
      case 'retry-later':
        if (this.retry) clearTimeout(this.retry);
        this.retry = setTimeout(() => this.dispatch({ kind: 'retry' }), this.helloRetryMs);
        break;
      case 'cancel-retry':
        if (this.retry) clearTimeout(this.retry);
        this.retry = null;
        break;
      case 'adopt-welcome':
        this.welcome = fx.welcome;
        this.clockOffsetMs = fx.welcome.serverTime - Date.now();
        break;
      case 'start-beats':
        if (this.beats) clearInterval(this.beats);
        this.beats = setInterval(() => this.beat(), fx.intervalMs);
        unref(this.beats);
        break;
      case 'stop-beats':
        if (this.beats) clearInterval(this.beats);
        this.beats = null;
        break;
      case 'flush-outbox':
        // Re-checked per message: the transport may lose its link mid-flush (`connected`).
        while (this.welcomed && this.outbox.size > 0) {
          const [type, bytes] = this.outbox.shift()!;
          t.send(type, bytes);
        }
        break;
      case 'send-bye':
        if (t.connected) {
          const { nodeId, role } = this.o;
          t.send('bye', encode(makeMessage('bye', { nodeId, role, reason: fx.reason, sentAt: Date.now() })));
        }
        break;
      case 'close-transport':
        this.closing = Promise.resolve(t.close());
        break;
      case 'notify':
        this.o.onState?.(fx.state, fx.detail);
        break;
    }
  }

  private hello(epoch: number, hello: number): void {
    const { nodeId, role, name } = this.o;
    let bytes: Uint8Array;
    try {
      bytes = encode(
        makeMessage('hello', {
          nodeId,
          role,
          name,
          capabilities: this.o.capabilities(),
          sentAt: Date.now(),
          instance: this.instance,
        }),
      );
    } catch (err) {
      // Our own hello does not validate (e.g. bad capabilities): asking again cannot help.
      this.dispatch({ kind: 'refused', detail: `hello not sent: ${errText(err)}`, epoch });
      return;
    }
    this.o.transport.request('hello', bytes, this.helloTimeoutMs).then(
      (reply) => this.onAnswer(reply, epoch, hello),
      (err: unknown) =>
        this.dispatch({
          kind: 'hello-failed',
          detail: `no answer to hello yet (${errText(err)}); retrying`,
          epoch,
          hello,
        }),
    );
  }

  private onAnswer(reply: WireBytes, epoch: number, hello: number): void {
    let answer: Message;
    try {
      answer = decode(reply);
      if (answer.type !== 'welcome' && answer.type !== 'error')
        throw new TypeError(`hello answered with '${answer.type}', expected welcome or error`);
    } catch (err) {
      this.o.onBadMessage?.('hello answer', err);
      this.dispatch({ kind: 'hello-failed', detail: 'a bad answer to hello; retrying', epoch, hello });
      return;
    }
    if (answer.type === 'welcome') this.dispatch({ kind: 'welcome', welcome: answer, epoch });
    else if (answer.code === 'NODE_ID_IN_USE')
      // The id's other holder may be this node's previous run, not yet timed out: ask again later.
      this.dispatch({
        kind: 'hello-failed',
        detail: `hello refused for now: ${answer.reason}`,
        epoch,
        hello,
      });
    else this.dispatch({ kind: 'refused', detail: `hello refused: ${answer.code}: ${answer.reason}`, epoch });
  }

  private onControl(source: string, bytes: WireBytes): void {
    let msg: Message;
    try {
      msg = decode(bytes);
    } catch (err) {
      this.o.onBadMessage?.(source, err);
      return;
    }
    if (msg.type === 'welcome') {
      this.dispatch({ kind: 'welcome', welcome: msg, epoch: null });
      return;
    }
    // A coordinator that restarted does not know us: it asks for a new hello.
    if (msg.type === 'error' && msg.code === 'NODE_LOST') this.reannounce();
    this.o.onMessage?.(msg);
  }

  private beat(): void {
    if (!this.snap.linkUp || !this.o.transport.connected) return;
    const l = this.o.load();
    const { nodeId, role } = this.o;
    const msg = makeMessage('heartbeat', {
      nodeId,
      role,
      seq: this.seq++,
      sentAt: Date.now(),
      inFlight: l.inFlight,
      queued: l.queued,
      stepMs: l.stepMs,
    });
    this.o.transport.send('heartbeat', encode(msg));
  }
}

/** 16 random hex digits (Web Crypto: Node and browsers). */
function randomInstanceId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
