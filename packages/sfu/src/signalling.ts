/**
 * The SFU's side of the WebRTC signalling (@semaigc/datachannel's signalling module): answers
 * 'webrtc.open' and 'webrtc.connect' on a socket.io socket that is already authenticated, for
 * the receiver the caller says the socket belongs to (the coordinator's hub knows which node
 * said hello on it). The WebRTC path is closed when the socket disconnects.
 *
 * The socket is typed structurally (an `on` with acknowledgements), so this package does not
 * depend on socket.io; a socket.io `Socket` fits.
 */
import {
  type SignallingReply,
  WEBRTC_CONNECT_EVENT,
  WEBRTC_OPEN_EVENT,
  type WebRtcConnectRequest,
  type WebRtcOpenRequest,
} from '@semaigc/datachannel';
import type { types } from 'mediasoup';
import { assertDeliveryMode } from './options';
import type { ReceiverWebRtcParams, Sfu } from './sfu';

/** What the page gets for 'webrtc.open': the transport and consumer, and the router's capabilities. */
export interface WebRtcOffer extends ReceiverWebRtcParams {
  routerRtpCapabilities: types.RtpCapabilities;
}

type Ack = (reply: SignallingReply<unknown>) => void;

export interface SignallingSocket {
  on(event: string, listener: (...args: never[]) => void): unknown;
}

export interface WebRtcSignallingOptions {
  /** The receiver this socket speaks for, or null while it has none (then requests are refused). */
  receiverId: () => string | null;
}

function refusal(err: unknown): SignallingReply<never> {
  return { ok: false, error: err instanceof Error ? err.message : String(err) };
}

/** Registers the two signalling events on `socket`; returns nothing (the socket owns the listeners). */
export function attachWebRtcSignalling(socket: SignallingSocket, sfu: Sfu, o: WebRtcSignallingOptions): void {
  let opened: string | null = null;

  const handle = (
    event: string,
    ack: unknown,
    work: (receiverId: string) => Promise<SignallingReply<unknown>>,
  ): void => {
    const reply: Ack = typeof ack === 'function' ? (ack as Ack) : () => undefined;
    const receiverId = o.receiverId();
    if (receiverId === null) {
      reply(refusal(new Error(`${event}: this socket has no receiver yet (say hello first)`)));
      return;
    }
    work(receiverId).then(reply, (err: unknown) => reply(refusal(err)));
  };

  socket.on(WEBRTC_OPEN_EVENT, (req: WebRtcOpenRequest, ack: unknown) =>
    handle(WEBRTC_OPEN_EVENT, ack, async (receiverId) => {
      const mode = assertDeliveryMode((req as Partial<WebRtcOpenRequest> | undefined)?.mode);
      const params = await sfu.openReceiver(receiverId, mode);
      opened = receiverId;
      const offer: WebRtcOffer = { ...params, routerRtpCapabilities: sfu.routerRtpCapabilities };
      return { ok: true, value: offer };
    }),
  );

  socket.on(WEBRTC_CONNECT_EVENT, (req: WebRtcConnectRequest, ack: unknown) =>
    handle(WEBRTC_CONNECT_EVENT, ack, async (receiverId) => {
      const dtls = (req as Partial<WebRtcConnectRequest> | undefined)?.dtlsParameters;
      if (typeof dtls !== 'object' || dtls === null) {
        throw new TypeError(`${WEBRTC_CONNECT_EVENT}: dtlsParameters must be an object, got ${String(dtls)}`);
      }
      await sfu.connectReceiver(receiverId, dtls as types.DtlsParameters);
      return { ok: true, value: null };
    }),
  );

  socket.on('disconnect', () => {
    if (opened !== null) sfu.closeReceiver(opened);
    opened = null;
  });
}
