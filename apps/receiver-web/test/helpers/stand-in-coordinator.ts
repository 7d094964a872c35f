/**
 * The coordinator's socket.io side as the page sees it, for testing the page alone: a real
 * socket.io server (same event maps, same codec) that, like apps/coordinator's socket hub,
 * reads the join code from the handshake's `auth.join` and answers hello with `welcome`, or
 * with an `error` when the code is wrong; it queues everything the page sends so a test can
 * wait for it. The real coordinator (apps/coordinator) is exercised by the lab's e2e test.
 */
import type * as http from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  decode,
  decodeAs,
  encode,
  errorMessage,
  PROTOCOL_VERSION,
  type ClientToServerEvents,
  type Message,
  type MessageOf,
  type MessageType,
  type ServerToClientEvents,
  type WireBytes,
} from '@semaigc/protocol';

type PageSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export const STAND_IN_ID = 'coord-test';

export class StandInCoordinator {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  /** The most recent page connection. */
  socket: PageSocket | null = null;
  /** Whether records and faults are acknowledged (false: taken and never acknowledged). */
  ackReports = true;
  /** Node ids whose hello was refused for a wrong join code. */
  readonly refused: string[] = [];
  private readonly inbox: Message[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    server: http.Server,
    readonly joinCode: string,
    readonly heartbeatIntervalMs = 200,
  ) {
    this.io = new Server<ClientToServerEvents, ServerToClientEvents>(server, { path: '/socket.io/' });
    this.io.on('connection', (s) => this.accept(s));
  }

  private accept(s: PageSocket): void {
    this.socket = s;
    s.on('hello', (bytes, ack) => {
      const hello = decodeAs('hello', bytes);
      const auth = s.handshake.auth as { join?: unknown };
      if (auth.join !== this.joinCode) {
        this.refused.push(hello.nodeId);
        ack(encode(errorMessage('BAD_MESSAGE', `join code missing or wrong for ${hello.nodeId}`)));
        return;
      }
      this.push(hello);
      ack(
        encode({
          v: PROTOCOL_VERSION,
          type: 'welcome',
          nodeId: hello.nodeId,
          coordinatorId: STAND_IN_ID,
          heartbeatIntervalMs: this.heartbeatIntervalMs,
          nodeTimeoutMs: 3 * this.heartbeatIntervalMs,
          serverTime: Date.now(),
        }),
      );
    });
    for (const event of ['heartbeat', 'bye', 'preview'] as const) {
      s.on(event, (bytes: WireBytes) => this.push(decode(bytes)));
    }
    // Records and faults are acknowledged, as the coordinator does once it has taken them.
    for (const event of ['record', 'fault'] as const) {
      s.on(event, (bytes: WireBytes, ack?: () => void) => {
        this.push(decode(bytes));
        if (this.ackReports) ack?.();
      });
    }
  }

  private push(msg: Message): void {
    this.inbox.push(msg);
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  /** Removes and returns the first message of `type` (waiting for it up to `timeoutMs`). */
  async take<T extends MessageType>(type: T, timeoutMs = 120_000): Promise<MessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as MessageOf<T>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${type}' from the page within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Drops queued messages of a type (e.g. heartbeats piling up between steps). */
  discard(type: MessageType): void {
    for (let i = this.inbox.length - 1; i >= 0; i--)
      if (this.inbox[i]!.type === type) this.inbox.splice(i, 1);
  }

  /** Sends raw bytes on a server→page event (a job, or deliberately broken bytes). */
  send(event: 'latent' | 'image' | 'request', bytes: Uint8Array): void {
    if (!this.socket) throw new Error('no page is connected');
    this.socket.emit(event, bytes);
  }

  close(): Promise<void> {
    return this.io.close().then(() => undefined);
  }
}
