/**
 * The coordinator's socket.io side, for browser receivers and dashboard pages. A browser
 * receiver speaks the same protocol as a NATS node, one encoded message per event
 * (`hello` with an ack → `welcome`, `heartbeat`, `bye`, `record`, `preview`, `fault`); the
 * coordinator relays the latents/images edges publish for it, unchanged. Dashboards emit
 * `dashboard` and join the 'dashboard' room, if their handshake carries `auth: { token }`
 * (the API token: the stream shows the join code). Receivers need `auth: { join: code }`
 * unless the join code is switched off, and a hello for a node id whose socket is still
 * connected is refused (NODE_ID_IN_USE), so nobody takes over another page's routing. A socket that drops keeps its node: the node
 * goes offline only by heartbeat timeout, and payloads for it wait (up to
 * MAX_QUEUED_PER_NODE) until it says hello again on a new socket.
 */
import type { Server as HttpServer } from 'node:http';
import {
  type ClientToServerEvents,
  DEFAULT_MAX_MESSAGE_BYTES,
  decodeAs,
  encode,
  type InterServerEvents,
  type Message,
  type MessageType,
  peekSenderId,
  type RecordMessage,
  type ServerToClientEvents,
  type SocketData,
  ProtocolError,
  toErrorMessage,
} from '@semaigc/protocol';
import { Server, type Socket } from 'socket.io';
import {
  DASHBOARD_ROOM,
  type DashboardClientEvents,
  type DashboardServerEvents,
  type DashboardSnapshot,
} from '../api-types';
import type { CoordinatorMetrics } from '../metrics';
import type { NodeRegistry } from '../registry/node-registry';
import type { CoordinatorInbox } from './inbox';
import { tokenMatches } from '../http/guard';
import { asBytes } from './bytes';
import type { PageSocket, WebRtcDelivery } from './webrtc-delivery';

export type ServerEvents = ServerToClientEvents & DashboardServerEvents;
export type ClientEvents = ClientToServerEvents & DashboardClientEvents;
export type HubServer = Server<ClientEvents, ServerEvents, InterServerEvents, SocketData>;
type HubSocket = Socket<ClientEvents, ServerEvents, InterServerEvents, SocketData>;

/** Node-bound events the hub can send (each carries one encoded message). */
export type NodeEvent =
  'request' | 'latent' | 'latent.packets' | 'image' | 'trial.assign' | 'trial.release' | 'fault';

/** Payloads kept for a receiver whose socket is reconnecting. */
export const MAX_QUEUED_PER_NODE = 8;

export interface SocketHubOptions {
  registry: NodeRegistry;
  inbox: CoordinatorInbox;
  metrics: CoordinatorMetrics;
  snapshot: () => DashboardSnapshot;
  /** When set, receivers must pass `auth: { join: code }` in the handshake. */
  joinCode?: string | null;
  /** Dashboards must pass `auth: { token }` in the handshake. */
  apiToken: string;
  /**
   * With JetStream: stores a receiver's record in the records stream (the intake then takes
   * it, and a restarted coordinator still has it). Resolves false when it could not: the
   * record goes to the inbox directly.
   */
  storeRecord?: ((record: RecordMessage, bytes: Uint8Array) => Promise<boolean>) | undefined;
  /** WebRTC signalling on every page socket (for the node that said hello on it). */
  webrtc?: Pick<WebRtcDelivery, 'attach'>;
}

export class SocketHub {
  readonly io: HubServer;
  private readonly queued = new Map<string, { event: NodeEvent; bytes: Uint8Array }[]>();

  constructor(
    httpServer: HttpServer,
    private readonly opts: SocketHubOptions,
  ) {
    this.io = new Server<ClientEvents, ServerEvents, InterServerEvents, SocketData>(httpServer, {
      // A preview of a 512×512 image is 1 MiB; allow what the codec allows.
      maxHttpBufferSize: DEFAULT_MAX_MESSAGE_BYTES,
      serveClient: false,
    });
    this.io.on('connection', (socket) => this.attach(socket));
  }

  private attach(socket: HubSocket): void {
    socket.data = { nodeId: null, trialId: null, helloAt: null };
    const sender = (bytes: unknown): string =>
      socket.data.nodeId ?? peekSenderId(asBytes(bytes)) ?? `socket-${socket.id}`;

    /** Decodes one event's message; a bad one is dropped (and the error returned for an ack). */
    const receive = <T extends MessageType>(
      event: string,
      type: T,
      bytes: unknown,
    ): { msg: Extract<Message, { type: T }>; err: null } | { msg: null; err: unknown } => {
      this.opts.metrics.received.socket += 1;
      try {
        const data = asBytes(bytes);
        if (!data) {
          throw new TypeError(
            `event '${event}' must carry one encoded message (binary), got ${typeof bytes}`,
          );
        }
        return { msg: decodeAs(type, data) as Extract<Message, { type: T }>, err: null };
      } catch (err) {
        this.opts.inbox.drop({ via: 'socket', where: event, nodeId: sender(bytes), err });
        return { msg: null, err };
      }
    };

    socket.on('hello', (bytes, ack) => {
      const { msg, err } = receive('hello', 'hello', bytes);
      const reply = typeof ack === 'function' ? ack : () => undefined;
      if (!msg) {
        const peeked = peekSenderId(asBytes(bytes));
        reply(encode(toErrorMessage(err, peeked ? { nodeId: peeked } : {})));
        return;
      }
      const auth = socket.handshake.auth as { join?: unknown } | undefined;
      const refusal =
        this.opts.joinCode && !tokenMatches(this.opts.joinCode, auth?.join)
          ? new ProtocolError(`join code missing or wrong for ${msg.nodeId}`, { code: 'UNAUTHORIZED' })
          : this.heldElsewhere(msg.nodeId, socket.id)
            ? new ProtocolError(
                `node id ${msg.nodeId} is held by another live connection; pick another id or close that one`,
                { code: 'NODE_ID_IN_USE' },
              )
            : null;
      if (refusal) {
        this.opts.inbox.drop({ via: 'socket', where: 'hello', nodeId: msg.nodeId, err: refusal });
        reply(encode(toErrorMessage(refusal, { nodeId: msg.nodeId })));
        return;
      }
      socket.data.nodeId = msg.nodeId;
      socket.data.helloAt = Date.now();
      const welcome = this.opts.inbox.hello(msg, { kind: 'socket', socketId: socket.id });
      reply(encode(welcome));
      this.flush(msg.nodeId);
    });
    socket.on('heartbeat', (bytes) => {
      const { msg } = receive('heartbeat', 'heartbeat', bytes);
      if (msg) this.opts.inbox.heartbeat(msg, 'socket');
    });
    socket.on('bye', (bytes) => {
      const { msg } = receive('bye', 'bye', bytes);
      if (msg) this.opts.inbox.bye(msg);
    });
    socket.on('record', (bytes, ack) => {
      // Acknowledged once taken (stored, or judged, refused included): the page keeps a
      // record until then and sends it again after a reconnect, so a record on a socket
      // whose coordinator died is not lost. The stream drops a re-sent copy by message id.
      const taken = typeof ack === 'function' ? ack : () => undefined;
      const { msg } = receive('record', 'record', bytes);
      if (!msg) return taken();
      // The sender is the socket's node (its hello), whatever the record claims.
      const from = socket.data.nodeId ?? `socket-${socket.id}`;
      const store = this.opts.storeRecord;
      // Only a record for the socket's own node goes to the stream: the rest is refused below.
      if (!store || from !== msg.receiverId) {
        this.opts.inbox.record(msg, 'socket', from);
        return taken();
      }
      void store(msg, asBytes(bytes)!).then((stored) => {
        if (!stored) this.opts.inbox.record(msg, 'socket', from);
        taken();
      });
    });
    socket.on('preview', (bytes) => {
      const { msg } = receive('preview', 'preview', bytes);
      if (msg) this.opts.inbox.preview(msg, 'socket', socket.data.nodeId ?? `socket-${socket.id}`);
    });
    socket.on('fault', (bytes, ack) => {
      // Acknowledged once judged, like a record.
      const taken = typeof ack === 'function' ? ack : () => undefined;
      const { msg } = receive('fault', 'error', bytes);
      if (!msg) return taken();
      const own = socket.data.nodeId;
      if (own === null) {
        // Before a hello only a page refusing to serve speaks, vouched for by the join code,
        // and it concerns no request: anything else would let an unnamed socket fail others'.
        const why = !this.joinCodeOk(socket)
          ? 'fault before hello without the join code'
          : msg.code !== 'MODEL_TOO_LARGE' || msg.requestId !== undefined
            ? `fault before hello must be a MODEL_TOO_LARGE refusal naming no request (got ${msg.code})`
            : null;
        if (why !== null) {
          const err = new ProtocolError(why, { code: 'UNAUTHORIZED' });
          this.opts.inbox.drop({ via: 'socket', where: 'fault', nodeId: sender(bytes), err });
          return taken();
        }
      }
      // The sender is the socket's node (its hello), whatever the fault claims, as for records:
      // the coordinator takes an error only from the node its request concerns.
      this.opts.inbox.error(msg, 'socket', own ?? msg.nodeId ?? sender(bytes));
      taken();
    });
    // socket.io's typed `on` is generic over the event map; the signalling's events are not in it.
    this.opts.webrtc?.attach(socket as unknown as PageSocket);
    socket.on('dashboard', (ack) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      if (!tokenMatches(this.opts.apiToken, auth?.token)) {
        this.opts.inbox.drop({
          via: 'socket',
          where: 'dashboard',
          nodeId: `socket-${socket.id}`,
          err: new ProtocolError('dashboard stream without the API token', { code: 'UNAUTHORIZED' }),
        });
        socket.disconnect(true);
        return;
      }
      void socket.join(DASHBOARD_ROOM);
      if (typeof ack === 'function') ack(this.opts.snapshot());
    });
    socket.on('disconnect', () => {
      const entry = socket.data.nodeId ? this.opts.registry.get(socket.data.nodeId) : undefined;
      if (entry?.transport.kind === 'socket' && entry.transport.socketId === socket.id) {
        entry.transport = { kind: 'socket', socketId: null };
      }
    });
  }

  /** Whether the socket's handshake carries the join code (`auth: { join }`), when one is set. */
  private joinCodeOk(socket: HubSocket): boolean {
    const auth = socket.handshake.auth as { join?: unknown } | undefined;
    return !this.opts.joinCode || tokenMatches(this.opts.joinCode, auth?.join);
  }

  /**
   * Whether `nodeId` belongs to a live session other than this socket: a NATS node that is
   * online, or a browser node whose socket is still connected. A page that reconnects
   * after its socket dropped is not refused (the old socket is gone).
   */
  private heldElsewhere(nodeId: string, socketId: string): boolean {
    const entry = this.opts.registry.get(nodeId);
    if (!entry || entry.status !== 'online') return false;
    if (entry.transport.kind !== 'socket') return true;
    const held = entry.transport.socketId;
    return held !== null && held !== socketId && this.io.sockets.sockets.get(held)?.connected === true;
  }

  /** Sends one encoded message to a browser node; queues it while the node has no socket. */
  sendToNode(nodeId: string, event: NodeEvent, bytes: Uint8Array): boolean {
    const entry = this.opts.registry.get(nodeId);
    if (!entry || entry.transport.kind !== 'socket') return false;
    const socket = entry.transport.socketId
      ? this.io.sockets.sockets.get(entry.transport.socketId)
      : undefined;
    if (socket?.connected) {
      socket.emit(event, bytes);
      return true;
    }
    const q = this.queued.get(nodeId) ?? [];
    q.push({ event, bytes });
    this.opts.metrics.relayed.queued += 1;
    if (q.length > MAX_QUEUED_PER_NODE) {
      q.shift();
      this.opts.metrics.relayed.lost += 1;
    }
    this.queued.set(nodeId, q);
    return true;
  }

  private flush(nodeId: string): void {
    const q = this.queued.get(nodeId);
    if (!q) return;
    this.queued.delete(nodeId);
    for (const { event, bytes } of q) this.sendToNode(nodeId, event, bytes);
  }

  /** To every dashboard page. */
  toDashboards<E extends keyof ServerEvents>(event: E, payload: Parameters<ServerEvents[E]>[0]): void {
    // socket.io's emit typing cannot follow a generic event name; the signature above checks it.
    (this.io.to(DASHBOARD_ROOM).emit as (e: string, p: unknown) => boolean)(event, payload);
  }

  close(): Promise<void> {
    this.io.disconnectSockets(true);
    // io.close() also closes the HTTP server, which the HTTP layer owns; closing the engine is enough.
    this.io.engine.close();
    this.queued.clear();
    return Promise.resolve();
  }
}
