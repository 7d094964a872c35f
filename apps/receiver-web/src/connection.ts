/**
 * The page's link to the coordinator: socket.io on the page's own origin, as a transport for
 * the node session (packages/session), which says hello on every (re)connect, beats, keeps
 * records in its outbox until welcomed and says bye. Here only socket.io's side: the hello
 * travels as an event answered through the ack, every other event carries one encoded
 * message (`socketEventOf`: errors as `fault`), coordinator control events go to the session
 * and job events (latent, image, request) to `onJob`. The join code travels in the
 * handshake as `auth: { join, nodeId }`; the coordinator refuses a wrong one in the hello
 * ack (or, behind a stricter server, at the handshake: then socket.io does not retry).
 */
import { io, type Socket } from 'socket.io-client';
import {
  socketEventOf,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type WireBytes,
} from '@semaigc/protocol';
import type { SessionSendType, SessionTransport, TransportLink } from '@semaigc/session';

type ReceiverSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type JobEvent = 'latent' | 'image' | 'request';
const JOB_EVENTS: readonly JobEvent[] = ['latent', 'image', 'request'];
/** Coordinator → node events the session handles (each carries the same-named message). */
const CONTROL_EVENTS = [
  'trial.assign',
  'trial.release',
  'trial.start',
  'trial.progress',
  'trial.end',
  'fault',
] as const;

export interface SocketTransportOptions {
  /** Origin of the coordinator (the page's own). */
  url: string;
  path: string;
  joinCode: string | null;
  nodeId: string;
  onJob: (event: JobEvent, bytes: WireBytes) => void;
}

export class SocketTransport implements SessionTransport {
  /** The coordinator knows a socket only by the hello on it. */
  readonly holdUntilWelcomed = true;
  private readonly socket: ReceiverSocket;
  private link: TransportLink | null = null;

  constructor(private readonly o: SocketTransportOptions) {
    this.socket = io(o.url, {
      path: o.path,
      auth: { join: o.joinCode, nodeId: o.nodeId },
      autoConnect: false,
    });
    this.wire();
  }

  get peer(): string {
    return this.o.url;
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  open(link: TransportLink): void {
    this.link = link;
    this.socket.connect();
  }

  /** Reconnects with another join code (after the coordinator refused the first). */
  rejoin(joinCode: string): void {
    this.socket.auth = { join: joinCode, nodeId: this.o.nodeId };
    this.socket.disconnect();
    this.socket.connect();
  }

  request(_type: 'hello', bytes: Uint8Array, timeoutMs: number): Promise<WireBytes> {
    return new Promise((resolve, reject) => {
      this.socket
        .timeout(timeoutMs)
        .emit('hello', bytes, (err, reply) => (err ? reject(err) : resolve(reply)));
    });
  }

  send(type: SessionSendType, bytes: Uint8Array): void {
    // The event maps type each event's payload; every one of these events carries bytes.
    this.socket.emit(socketEventOf(type) as 'record', bytes);
  }

  close(): void {
    this.socket.disconnect();
  }

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => this.link?.up());
    s.on('disconnect', (reason) => this.link?.down(`disconnected (${reason}); reconnecting`, true));
    s.on('connect_error', (err) => {
      // `active` is false when the server refused the handshake (e.g. a wrong join code):
      // socket.io does not retry then, and neither should we until the user changes something.
      if (s.active) this.link?.down(`cannot reach the coordinator: ${err.message}`, true);
      else this.link?.down(`the coordinator refused the connection: ${err.message}`, false);
    });
    for (const event of JOB_EVENTS) s.on(event, (bytes: WireBytes) => this.o.onJob(event, bytes));
    for (const event of CONTROL_EVENTS) s.on(event, (bytes: WireBytes) => this.link?.control(event, bytes));
  }
}
