/**
 * Opens the page's WebRTC latent channel with the signalling carried by its socket.io session
 * (@semaigc/datachannel's signalling module): asks the SFU for an offer in `mode`, creates the
 * recv transport and data consumer, and sends the DTLS parameters back. The socket is typed
 * structurally (socket.io-client's `timeout(ms).emitWithAck`), so tests and the page share it.
 */
import {
  WEBRTC_CONNECT_EVENT,
  WEBRTC_OPEN_EVENT,
  type WebRtcDeliveryMode,
  unwrapReply,
} from '@semaigc/datachannel';
import { type WebRtcOffer, WebRtcLatentChannel } from './latent-channel';

export interface AckingSocket {
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

/** How long each signalling request may wait for the SFU's answer. */
export const SIGNALLING_TIMEOUT_MS = 10_000;

export async function openWebRtcOverSocket(
  socket: AckingSocket,
  mode: WebRtcDeliveryMode,
  now?: () => number,
): Promise<WebRtcLatentChannel> {
  const offer = unwrapReply<WebRtcOffer>(
    WEBRTC_OPEN_EVENT,
    await socket.timeout(SIGNALLING_TIMEOUT_MS).emitWithAck(WEBRTC_OPEN_EVENT, { mode }),
  );
  if (offer.mode !== mode) {
    throw new Error(`${WEBRTC_OPEN_EVENT}: asked for a ${mode} channel, the SFU opened ${offer.mode}`);
  }
  return WebRtcLatentChannel.open(
    offer,
    async (dtlsParameters) => {
      unwrapReply<null>(
        WEBRTC_CONNECT_EVENT,
        await socket.timeout(SIGNALLING_TIMEOUT_MS).emitWithAck(WEBRTC_CONNECT_EVENT, { dtlsParameters }),
      );
    },
    now,
  );
}
