/**
 * WebRTC signalling carried by a socket.io connection the page already has (the receiver's
 * authenticated session), shared by the SFU side (@semaigc/sfu `attachWebRtcSignalling`) and
 * the page (receiver-web's `openWebRtcOverSocket`). Two events, each answered through the
 * socket.io acknowledgement:
 *
 *   'webrtc.open'    { mode }            → { ok: true, value: offer } | { ok: false, error }
 *   'webrtc.connect' { dtlsParameters }  → { ok: true, value: null }  | { ok: false, error }
 *   'webrtc.unavailable' { reason }      (no answer: the page will use socket.io)
 *
 * The offer is the SFU's ReceiverWebRtcParams plus the router's RTP capabilities. Its
 * mediasoup types stay opaque here, so this module (and the page) does not depend on mediasoup.
 */

export const WEBRTC_OPEN_EVENT = 'webrtc.open';
export const WEBRTC_CONNECT_EVENT = 'webrtc.connect';
/**
 * Page → SFU side, no answer: the page will not open a WebRTC path (unsupported, switched off,
 * or opening failed), so the coordinator sends its payloads over socket.io at once instead of
 * waiting for a path, and records why.
 */
export const WEBRTC_UNAVAILABLE_EVENT = 'webrtc.unavailable';

export interface WebRtcUnavailableNotice {
  reason: string;
}

export type WebRtcDeliveryMode = 'reliable' | 'unreliable';

export interface WebRtcOpenRequest {
  mode: WebRtcDeliveryMode;
}

export interface WebRtcConnectRequest {
  /** mediasoup-client's DTLS parameters from the recv transport's 'connect' event. */
  dtlsParameters: unknown;
}

export type SignallingReply<T> = { ok: true; value: T } | { ok: false; error: string };

/** Unwraps a reply, throwing its error (which names the event) when it is a refusal. */
export function unwrapReply<T>(event: string, reply: unknown): T {
  if (typeof reply !== 'object' || reply === null || typeof (reply as { ok?: unknown }).ok !== 'boolean') {
    throw new TypeError(`${event}: the SFU's reply is not { ok, value | error }: ${JSON.stringify(reply)}`);
  }
  const r = reply as SignallingReply<T>;
  if (!r.ok) throw new Error(`${event} refused: ${r.error}`);
  return r.value;
}
