/**
 * The page's link to the coordinator: socket.io on the page's own origin, as a transport for
 * the node session (packages/session), which says hello on every (re)connect, beats, keeps
 * records in its outbox until welcomed and says bye. Here only socket.io's side: the hello
 * travels as an event answered through the ack, every other event carries one encoded
 * message (`socketEventOf`: errors as `fault`), coordinator control events go to the session
 * and job events (latent, image, request) to `onJob`. The join code travels in the
 * handshake as `auth: { join, nodeId }`; the coordinator refuses a wrong one in the hello
 * ack (or, behind a stricter server, at the handshake: then socket.io does not retry).
 * Records and errors are kept until the coordinator acknowledges them and sent again after
 * the next welcome (unacked.ts): a coordinator that dies with one on the socket loses none.
 */
import { io, type Socket } from 'socket.io-client';
import {
  decode,
  socketEventOf,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type WireBytes,
} from '@semaigc/protocol';
import type { SessionSendType, SessionTransport, TransportLink } from '@semaigc/session';
import { type AckedType, needsAck, UnackedSends } from './unacked';

type ReceiverSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the WebRTC signalling needs of the socket (webrtc/socket-signalling.ts). */
export interface SignallingSocket {
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
  emit(event: string, payload: unknown): unknown;
}

/**
 * How long `close` leaves the socket open after the session's last event (its bye).
 * socket.io's server dispatches an event on the next tick and drops it if the client's
 * disconnect was read in the meantime, so a bye followed at once by a disconnect that
 * arrive in one read is lost; a pause lets them arrive apart.
 */
export const DEFAULT_CLOSE_GRACE_MS = 250;

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
  /** A latent's header whose elements come as WebRTC packets (webrtc/page-delivery.ts). */
  onPackets?: (bytes: WireBytes<'latent.packets'>) => void;
}

export class SocketTransport implements SessionTransport {
  /** The coordinator knows a socket only by the hello on it. */
  readonly holdUntilWelcomed = true;
  private readonly socket: ReceiverSocket;
  private link: TransportLink | null = null;
  /** Records and errors not acknowledged yet (sent again after the next welcome). */
  readonly unacked = new UnackedSends();
  /** Whether the coordinator has welcomed this page on the current socket connection. */
  private welcomed = false;
  private closing: { timer: ReturnType<typeof setTimeout>; done: () => void } | null = null;

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

  /**
   * The socket for the WebRTC signalling (acknowledged requests and the unavailable notice),
   * which the coordinator answers for the node that said hello on it.
   */
  get signalling(): SignallingSocket {
    // The signalling events are not in the protocol's event maps (packages/datachannel owns them).
    return this.socket as unknown as SignallingSocket;
  }

  open(link: TransportLink): void {
    this.link = link;
    if (this.closing) {
      // Reopened during the close grace (back from the bfcache): keep the socket.
      clearTimeout(this.closing.timer);
      this.closing.done();
      this.closing = null;
    }
    if (this.socket.connected) link.up();
    else this.socket.connect();
  }

  /** Reconnects with another join code (after the coordinator refused the first). */
  rejoin(joinCode: string): void {
    this.socket.auth = { join: joinCode, nodeId: this.o.nodeId };
    this.socket.disconnect();
    this.socket.connect();
  }

  request(_type: 'hello', bytes: Uint8Array, timeoutMs: number): Promise<WireBytes> {
    return new Promise((resolve, reject) => {
      this.socket.timeout(timeoutMs).emit('hello', bytes, (err, reply) => {
        if (err) return reject(err);
        if (this.socket.connected && isWelcome(reply)) {
          this.welcomed = true;
          // What the last coordinator never acknowledged goes to this one.
          for (const [id, { type, bytes: b }] of this.unacked.entries()) this.emitAcked(id, type, b);
        }
        resolve(reply);
      });
    });
  }

  send(type: SessionSendType, bytes: Uint8Array): void {
    if (needsAck(type)) {
      const id = this.unacked.add(type, bytes);
      // Not before a welcome on this connection: socket.io would deliver a buffered event
      // ahead of the hello, and the coordinator would not know whose it is.
      if (this.welcomed) this.emitAcked(id, type, bytes);
      return;
    }
    // The event maps type each event's payload; every one of these events carries bytes.
    this.socket.emit(socketEventOf(type) as 'preview', bytes);
  }

  private emitAcked(id: number, type: AckedType, bytes: Uint8Array): void {
    this.socket.emit(socketEventOf(type) as 'record', bytes, () => this.unacked.taken(id));
  }

  /** Disconnects after DEFAULT_CLOSE_GRACE_MS (at once if not connected). */
  close(): Promise<void> {
    if (!this.socket.connected) {
      this.socket.disconnect();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.closing = null;
        this.socket.disconnect();
        resolve();
      }, DEFAULT_CLOSE_GRACE_MS);
      this.closing = { timer, done: resolve };
    });
  }

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => this.link?.up());
    s.on('disconnect', (reason) => {
      this.welcomed = false;
      this.link?.down(`disconnected (${reason}); reconnecting`, true);
    });
    s.on('connect_error', (err) => {
      // `active` is false when the server refused the handshake (e.g. a wrong join code):
      // socket.io does not retry then, and neither should we until the user changes something.
      if (s.active) this.link?.down(`cannot reach the coordinator: ${err.message}`, true);
      else this.link?.down(`the coordinator refused the connection: ${err.message}`, false);
    });
    for (const event of JOB_EVENTS) s.on(event, (bytes: WireBytes) => this.o.onJob(event, bytes));
    s.on('latent.packets', (bytes) => this.o.onPackets?.(bytes));
    for (const event of CONTROL_EVENTS) s.on(event, (bytes: WireBytes) => this.link?.control(event, bytes));
  }
}

function isWelcome(reply: WireBytes): boolean {
  try {
    return decode(reply).type === 'welcome';
  } catch {
    return false;
  }
}
