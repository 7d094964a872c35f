/**
 * The page's link to the coordinator: socket.io on the page's own origin. On every
 * (re)connect it says `hello` (answered through the ack with `welcome` or `error`), then
 * beats `heartbeat` at the interval the welcome asks for. Outgoing messages (records,
 * previews, faults) wait in an outbox until the coordinator has welcomed this node, so a
 * record finished during a reconnect is delivered after the new hello, not lost or sent
 * from a socket the coordinator does not know yet. Every event carries one encoded message.
 * The join code travels in the handshake as `auth: { join, nodeId }`; the coordinator
 * refuses a wrong one in the hello ack (or, behind a stricter server, at the handshake).
 */
import { io, type Socket } from 'socket.io-client';
import {
  decode,
  encode,
  PROTOCOL_VERSION,
  type Capabilities,
  type ClientToServerEvents,
  type ErrorMessage,
  type Message,
  type MessageInput,
  type ServerToClientEvents,
  type WelcomeMessage,
  type WireBytes,
} from '@semaigc/protocol';
import { HelloRefusedError } from './errors';

type ReceiverSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const DEFAULT_HELLO_TIMEOUT_MS = 5000;
export const DEFAULT_HELLO_RETRY_MS = 2000;
/** Messages kept while not welcomed; the oldest are dropped beyond this. */
export const DEFAULT_OUTBOX_LIMIT = 200;

export type JobEvent = 'latent' | 'image' | 'request';
export type LinkState = 'connecting' | 'welcomed' | 'refused' | 'disconnected';
type Outgoing = 'record' | 'preview' | 'fault';

export interface ConnectionOptions {
  /** Origin of the coordinator (the page's own). */
  url: string;
  path: string;
  joinCode: string | null;
  nodeId: string;
  name: string;
  capabilities: () => Capabilities;
  load: () => { inFlight: number; queued: number; stepMs: number | null };
  onJob: (event: JobEvent, bytes: ArrayBuffer | Uint8Array) => void;
  /** trial.* messages and wire faults from the coordinator. */
  onMessage: (msg: Message) => void;
  /** A coordinator message that failed to decode (it is dropped). */
  onBadMessage: (event: string, err: unknown) => void;
  onState: (state: LinkState, detail: string) => void;
}

export class CoordinatorConnection {
  private readonly socket: ReceiverSocket;
  private welcome: WelcomeMessage | null = null;
  private beat: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private readonly outbox: [Outgoing, Uint8Array][] = [];
  /** Coordinator clock − local clock, ms (from welcome.serverTime). */
  clockOffsetMs = 0;

  constructor(private readonly o: ConnectionOptions) {
    this.socket = io(o.url, {
      path: o.path,
      auth: { join: o.joinCode, nodeId: o.nodeId },
      autoConnect: false,
    });
    this.wire();
  }

  /** Epoch ms on the coordinator's clock (local until the first welcome). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  get welcomed(): boolean {
    return this.welcome !== null && this.socket.connected;
  }

  start(): void {
    this.o.onState('connecting', `connecting to ${this.o.url}`);
    this.socket.connect();
  }

  /** Reconnects with another join code (after the coordinator refused the first). */
  rejoin(joinCode: string): void {
    this.socket.auth = { join: joinCode, nodeId: this.o.nodeId };
    this.socket.disconnect();
    this.start();
  }

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => this.hello());
    s.on('disconnect', (reason) => {
      this.stopBeats();
      this.o.onState('disconnected', `disconnected (${reason}); reconnecting`);
    });
    s.on('connect_error', (err) => {
      // `active` is false when the server refused the handshake (e.g. a wrong join code):
      // socket.io does not retry then, and neither should we until the user changes something.
      if (s.active) this.o.onState('disconnected', `cannot reach the coordinator: ${err.message}`);
      else this.o.onState('refused', `the coordinator refused the connection: ${err.message}`);
    });
    s.on('latent', (bytes) => this.o.onJob('latent', bytes));
    s.on('image', (bytes) => this.o.onJob('image', bytes));
    s.on('request', (bytes) => this.o.onJob('request', bytes));
    // Every control event carries one encoded message of the same-named type (errors as `fault`).
    const control = ['trial.assign', 'trial.release', 'trial.start', 'trial.progress', 'trial.end', 'fault'];
    for (const event of control) {
      s.on(event as 'fault', (bytes: WireBytes) => {
        let msg: Message;
        try {
          msg = decode(bytes);
        } catch (err) {
          this.o.onBadMessage(event, err);
          return;
        }
        this.o.onMessage(msg);
      });
    }
  }

  private hello(): void {
    if (this.retry) clearTimeout(this.retry);
    this.welcome = null;
    const msg = encode({
      v: PROTOCOL_VERSION,
      type: 'hello',
      nodeId: this.o.nodeId,
      role: 'receiver',
      name: this.o.name,
      capabilities: this.o.capabilities(),
      sentAt: Date.now(),
    });
    this.socket.timeout(DEFAULT_HELLO_TIMEOUT_MS).emit('hello', msg, (err, reply) => {
      if (err) {
        this.o.onState('connecting', 'no answer to hello yet; retrying');
        this.retryHello();
        return;
      }
      try {
        const answer = decode(reply);
        if (answer.type === 'welcome') this.onWelcome(answer);
        else if (answer.type === 'error') this.onRefused(answer);
        else throw new TypeError(`hello answered with '${answer.type}', expected welcome or error`);
      } catch (e) {
        this.o.onBadMessage('hello ack', e);
        this.retryHello();
      }
    });
  }

  private retryHello(): void {
    if (!this.socket.connected) return; // the next 'connect' says hello again
    this.retry = setTimeout(() => this.hello(), DEFAULT_HELLO_RETRY_MS);
  }

  private onRefused(e: ErrorMessage): void {
    const err = new HelloRefusedError(`hello refused: ${e.code}: ${e.reason}`);
    this.o.onState('refused', err.message);
  }

  private onWelcome(w: WelcomeMessage): void {
    this.welcome = w;
    this.clockOffsetMs = w.serverTime - Date.now();
    this.stopBeats();
    this.beat = setInterval(() => this.heartbeat(), w.heartbeatIntervalMs);
    this.o.onState('welcomed', `joined coordinator ${w.coordinatorId}`);
    this.flush();
  }

  private heartbeat(): void {
    if (!this.socket.connected) return;
    const l = this.o.load();
    this.socket.emit(
      'heartbeat',
      encode({
        v: PROTOCOL_VERSION,
        type: 'heartbeat',
        nodeId: this.o.nodeId,
        role: 'receiver',
        seq: this.seq++,
        sentAt: Date.now(),
        inFlight: l.inFlight,
        queued: l.queued,
        stepMs: l.stepMs,
      }),
    );
  }

  private stopBeats(): void {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
  }

  /** Encodes and sends (or keeps until welcomed). Throws if the message does not validate. */
  send(event: Outgoing, msg: MessageInput): void {
    const bytes = encode(msg);
    if (this.welcomed) this.socket.emit(event, bytes);
    else {
      this.outbox.push([event, bytes]);
      if (this.outbox.length > DEFAULT_OUTBOX_LIMIT) this.outbox.shift();
    }
  }

  private flush(): void {
    while (this.welcomed && this.outbox.length > 0) {
      const [event, bytes] = this.outbox.shift()!;
      this.socket.emit(event, bytes);
    }
  }

  /** Best-effort `bye` (page closing), then disconnects. */
  close(reason: string): void {
    this.stopBeats();
    if (this.retry) clearTimeout(this.retry);
    if (this.socket.connected) {
      this.socket.emit(
        'bye',
        encode({
          v: PROTOCOL_VERSION,
          type: 'bye',
          nodeId: this.o.nodeId,
          role: 'receiver',
          reason,
          sentAt: Date.now(),
        }),
      );
    }
    this.socket.disconnect();
  }
}
