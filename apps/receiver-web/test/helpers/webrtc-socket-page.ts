/**
 * Page script for the WebRTC signalling test: a socket.io-client session to the test's server
 * and the receiver page's own `openWebRtcOverSocket`, behind a small window API the test drives.
 */
import { type Socket, io } from 'socket.io-client';
import type { WebRtcLatentChannel } from '../../src/webrtc/latent-channel';
import { openWebRtcOverSocket } from '../../src/webrtc/socket-signalling';

export interface SocketRtcPageApi {
  /** Connects to `url` as `receiverId` (null: a socket that speaks for nobody). */
  connect(url: string, receiverId: string | null): Promise<void>;
  /** Opens the channel; resolves to its mode, or to 'error: <message>' when refused. */
  open(mode: string): Promise<string>;
  /** Collects a payload; returns its element values, loss flags and loss count. */
  collect(
    payloadId: number,
    elements: number,
    packets: number,
  ): Promise<{ data: number[]; lost: number[]; packetsLost: number }>;
  disconnect(): void;
}

declare global {
  interface Window {
    __sig: SocketRtcPageApi;
  }
}

let socket: Socket | null = null;
let channel: WebRtcLatentChannel | null = null;

window.__sig = {
  async connect(url, receiverId) {
    const s = io(url, { transports: ['websocket'], auth: receiverId ? { receiverId } : {} });
    socket = s;
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', (err) => reject(err));
    });
  },
  async open(mode) {
    if (!socket) throw new Error('connect() first');
    try {
      channel = await openWebRtcOverSocket(socket, mode as 'reliable' | 'unreliable');
      return channel.mode;
    } catch (err) {
      return `error: ${err instanceof Error ? err.message : String(err)}`;
    }
  },
  async collect(payloadId, elements, packets) {
    if (!channel) throw new Error('open() first');
    const r = await channel.collect(payloadId, { elements, packets, quietMs: 600 });
    return { data: Array.from(r.data), lost: Array.from(r.lost), packetsLost: r.packetsLost };
  },
  disconnect() {
    channel?.close();
    socket?.disconnect();
  },
};
