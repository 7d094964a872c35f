/**
 * How a payload travels from the coordinator to a browser receiver, and what a record says
 * about it. A trial asks for a transport (`socket`: socket.io, the default; `webrtc`: the
 * coordinator's SFU over a WebRTC data channel, reliable or unreliable); the record says which
 * one was actually used, because a page without a WebRTC path gets the payload over socket.io.
 *
 * Over WebRTC the latent's elements travel as sequence-numbered data-channel packets and
 * the rest of the payload (request, channel meta, timings) as a `latent.packets` message over
 * socket.io (payload.ts); a packet that does not arrive is an erasure (zero-filled, counted
 * in the channel meta's packetsSent/packetsLost, like the emulated packet channel's).
 */
import { z } from 'zod';
import { count, finite, text } from './common';

/** What a trial may ask for. */
export const DELIVERY_TRANSPORTS = ['socket', 'webrtc'] as const;
export type DeliveryTransport = (typeof DELIVERY_TRANSPORTS)[number];

/** reliable: ordered, retransmitted; unreliable: unordered, no retransmission (a lost packet stays lost). */
export const WEBRTC_MODES = ['reliable', 'unreliable'] as const;
export type WebRtcMode = (typeof WEBRTC_MODES)[number];

/** What a record may say was used; `nats`: a headless receiver, the payload straight from the edge. */
export const RECORD_TRANSPORTS = ['nats', 'socket', 'webrtc'] as const;
export type RecordTransport = (typeof RECORD_TRANSPORTS)[number];

/** A trial's delivery choice, as trial.assign carries it to a page. */
export const deliveryChoiceSchema = z.object({
  transport: z.enum(DELIVERY_TRANSPORTS, { error: `must be one of ${DELIVERY_TRANSPORTS.join(', ')}` }),
  mode: z.enum(WEBRTC_MODES, { error: `must be one of ${WEBRTC_MODES.join(', ')}` }),
});
export type DeliveryChoice = z.output<typeof deliveryChoiceSchema>;

/**
 * A record's account of its payload's delivery. The coordinator writes what it did
 * (transport, requested, mode, packetsSent, fallback) over whatever the receiver claimed; the
 * receiver page writes what it saw (packetsReceived, packetsLost, delays). So
 * packetsSent − packetsReceived = packetsLost can be checked against two independent counts.
 */
export const recordDeliverySchema = z.object({
  /** How the payload actually reached the receiver. */
  transport: z.enum(RECORD_TRANSPORTS, { error: `must be one of ${RECORD_TRANSPORTS.join(', ')}` }),
  /** What the trial asked for (absent: before this field; null: nothing asked, socket.io). */
  requested: z.enum(DELIVERY_TRANSPORTS).nullable().optional(),
  /** WebRTC: the data channel's mode. */
  mode: z.enum(WEBRTC_MODES).optional(),
  /** Why the trial's WebRTC was not used for this payload (it went over socket.io instead). */
  fallback: text(512).optional(),
  /** WebRTC: packets the SFU sent for this payload (the coordinator's count). */
  packetsSent: count.optional(),
  /** WebRTC: packets the page had when it assembled the payload, and the rest (erasures). */
  packetsReceived: count.optional(),
  packetsLost: count.optional(),
  /**
   * WebRTC: one-way delay per received packet, SFU hand-over → page arrival, ms (the page's
   * clock corrected to the coordinator's by its session offset); null when none arrived.
   */
  delayMsMedian: finite.nullable().optional(),
  delayMsMax: finite.nullable().optional(),
});
export type RecordDelivery = z.output<typeof recordDeliverySchema>;
