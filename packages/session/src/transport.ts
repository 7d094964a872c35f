/**
 * What a `NodeSession` needs from a link to the coordinator, in the spirit of nats.js's
 * pluggable transports: the session owns the protocol (what to send when, what an answer
 * means), the transport only moves encoded messages. node-kit plugs in NATS
 * (`NatsSessionTransport`), the receiver page socket.io (`SocketTransport`).
 */
import type { WireBytes } from '@semaigc/protocol';

/** Message types a session sends without expecting an answer. */
export type SessionSendType = 'heartbeat' | 'bye' | 'record' | 'preview' | 'error';

/** How a transport reports to the session it was opened by. */
export interface TransportLink {
  /** The link is (again) usable: the session says hello on it. */
  up(): void;
  /**
   * The link is gone. `retrying`: the transport reconnects by itself (the session waits for
   * `up`); otherwise the other side refused it and nothing happens until the user acts.
   */
  down(detail: string, retrying: boolean): void;
  /** One encoded coordinator → node message (welcome, trial.*, error); `source` names its subject or event. */
  control(source: string, bytes: WireBytes): void;
}

export interface SessionTransport {
  /** Where the link goes, for people (`nats://127.0.0.1:4222`, `http://lab:8080`). */
  readonly peer: string;
  /** Whether `send` can deliver now. */
  readonly connected: boolean;
  /**
   * Whether records, previews and errors must wait for a welcome. True where the coordinator
   * knows a sender only by the hello on the same link (a socket); false where the server
   * routes by subject and the coordinator matches records by request id (NATS).
   */
  readonly holdUntilWelcomed: boolean;
  /** Starts delivering to `link`; calls `link.up()` once the link is usable (possibly at once). */
  open(link: TransportLink): void;
  /** Sends a hello and resolves with the coordinator's encoded answer; rejects on timeout or no route. */
  request(type: 'hello', bytes: Uint8Array, timeoutMs: number): Promise<WireBytes>;
  /** Best-effort one-way send. */
  send(type: SessionSendType, bytes: Uint8Array): void;
  /** Stops delivering and releases the link (a shared NATS connection stays open). */
  close(): void | Promise<void>;
}
