/**
 * Page script for the WebRTC latent tests: the receiver page's own WebRtcLatentChannel behind a
 * small window API the test drives. The SFU signalling goes through `window.__sfuConnect`, which
 * the test exposes (the receiver page uses its socket.io session instead).
 */
import { type WebRtcOffer, WebRtcLatentChannel, webRtcSupported } from '../../src/webrtc/latent-channel';

export interface CollectedPayload {
  data: number[];
  lost: number[];
  packetsSent: number;
  packetsReceived: number;
  packetsLost: number;
  delaysMs: number[];
}

export interface RtcPageApi {
  supported(): boolean;
  open(offer: WebRtcOffer): Promise<string>;
  collect(payloadId: number, elements: number, packets: number, quietMs: number): Promise<CollectedPayload>;
  /** Totals since open; `receivedSeqs` lists every packet's sequence number as it arrived. */
  counts(): { packetsReceived: number; malformed: number; receivedSeqs: number[] };
  linkStats(): ReturnType<WebRtcLatentChannel['linkStats']>;
}

declare global {
  interface Window {
    __sfuConnect(dtlsParameters: unknown): Promise<void>;
    __rtc: RtcPageApi;
  }
}

let channel: WebRtcLatentChannel | null = null;
function open(): WebRtcLatentChannel {
  if (!channel) throw new Error('open() first');
  return channel;
}

window.__rtc = {
  supported: () => webRtcSupported(),
  async open(offer) {
    channel = await WebRtcLatentChannel.open(offer, (d) => window.__sfuConnect(d));
    return channel.mode;
  },
  async collect(payloadId, elements, packets, quietMs) {
    const r = await open().collect(payloadId, { elements, packets, quietMs });
    return {
      data: Array.from(r.data),
      lost: Array.from(r.lost),
      packetsSent: r.packetsSent,
      packetsReceived: r.packetsReceived,
      packetsLost: r.packetsLost,
      delaysMs: r.delaysMs,
    };
  },
  counts: () => ({
    packetsReceived: open().packetsReceived,
    malformed: open().malformed,
    receivedSeqs: [...open().receivedSeqs],
  }),
  linkStats: () => open().linkStats(),
};
