/**
 * socket.io event maps for browsers ↔ coordinator, as types only (this package imports no
 * socket.io). Use them as `new Server<ClientToServerEvents, ServerToClientEvents,
 * InterServerEvents, SocketData>()` and `io() as Socket<ServerToClientEvents, ClientToServerEvents>`.
 *
 * Payload decision: every event carries ONE message encoded with this package's codec
 * (`encode(msg)`), never a JSON object. So a browser and a NATS node send identical bytes,
 * validation and version checks happen in one place (`decodeAs(type, bytes)`), and a latent
 * crosses socket.io as a binary attachment instead of a 16k-number JSON array. A browser
 * receives binary as ArrayBuffer and Node as Buffer; `WireBytes` covers both and `decode`
 * accepts both. The event name equals the message type, except `error`, which socket.io
 * reserves on the client, so wire errors travel as `fault`.
 */
import type { MessageType } from './messages';

/** Encoded message bytes; `T` documents which message type the event carries. */
export type WireBytes<T extends MessageType = MessageType> = (Uint8Array | ArrayBuffer) & {
  readonly __message?: T;
};

/** Acknowledgement callback carrying an encoded reply. */
export type Ack<T extends MessageType> = (reply: WireBytes<T>) => void;

/** Browser receiver / dashboard → coordinator. */
export interface ClientToServerEvents {
  /** Answered through the ack with `welcome` or `error`. */
  hello: (msg: WireBytes<'hello'>, ack: Ack<'welcome' | 'error'>) => void;
  heartbeat: (msg: WireBytes<'heartbeat'>) => void;
  bye: (msg: WireBytes<'bye'>) => void;
  /**
   * Acknowledged once the coordinator has taken it (stored in the records stream, or handed
   * over and judged): a page keeps a record until then and sends it again after a reconnect.
   */
  record: (msg: WireBytes<'record'>, ack?: Taken) => void;
  /** The finished image, for the dashboard (like PREVIEW_SUBJECT on NATS). */
  preview: (msg: WireBytes<'preview'>) => void;
  /** Acknowledged like a record. */
  fault: (msg: WireBytes<'error'>, ack?: Taken) => void;
}

/** Acknowledgement without a reply: the message was taken (a re-send of it is dropped). */
export type Taken = () => void;

/** Coordinator → browser receiver / dashboard. */
export interface ServerToClientEvents {
  /** Local AIGC (a = 0): the receiver runs every step itself. */
  request: (msg: WireBytes<'request'>) => void;
  /** Relayed from `semaigc.v1.receiver.<id>.latent` unchanged (the coordinator does not re-encode). */
  latent: (msg: WireBytes<'latent'>) => void;
  /** A latent whose elements come as WebRTC data-channel packets (the trial asked for WebRTC). */
  'latent.packets': (msg: WireBytes<'latent.packets'>) => void;
  image: (msg: WireBytes<'image'>) => void;
  'trial.assign': (msg: WireBytes<'trial.assign'>) => void;
  'trial.release': (msg: WireBytes<'trial.release'>) => void;
  'trial.start': (msg: WireBytes<'trial.start'>) => void;
  'trial.progress': (msg: WireBytes<'trial.progress'>) => void;
  'trial.end': (msg: WireBytes<'trial.end'>) => void;
  /** To dashboards: a receiver's finished image. */
  preview: (msg: WireBytes<'preview'>) => void;
  fault: (msg: WireBytes<'error'>) => void;
}

/** Between coordinator instances behind the socket.io adapter. */
export interface InterServerEvents {
  ping: () => void;
}

/** Per-socket state the coordinator keeps (`socket.data`). */
export interface SocketData {
  nodeId: string | null;
  trialId: string | null;
  /** Coordinator clock when hello arrived. */
  helloAt: number | null;
}

/** The socket.io event a message type travels on. */
export function socketEventOf(type: MessageType): string {
  return type === 'error' ? 'fault' : type;
}
