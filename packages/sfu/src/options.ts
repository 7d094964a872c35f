/** SFU settings, their defaults in one place, and their validation (TypeError naming the field). */
import type { types } from 'mediasoup';
import { DEFAULT_PACKET_BYTES } from '@semaigc/datachannel';

/**
 * reliable:   ordered, retransmitted until delivered (like socket.io, but over SCTP/UDP);
 * unreliable: unordered, no retransmission (maxRetransmits 0): a packet lost on the link is lost.
 *             A packet may wait up to `unreliableQueueMs` in the SFU's send queue for the SCTP
 *             congestion window (see SfuOptions); one still queued after that is dropped there.
 */
export const DELIVERY_MODES = ['reliable', 'unreliable'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export interface SfuOptions {
  /** Address the WebRTC transports listen on (UDP only, so link loss is real). */
  listenIp?: string;
  /** Address announced in ICE candidates when listenIp is not reachable as is (e.g. 0.0.0.0). */
  announcedAddress?: string;
  /** UDP port range for the WebRTC transports. */
  rtcMinPort?: number;
  rtcMaxPort?: number;
  /** Worker binary (default: resolveWorkerBin()). */
  workerBin?: string;
  logLevel?: types.WorkerLogLevel;
  /** Element bytes per latent packet (default DEFAULT_PACKET_BYTES: one packet per UDP datagram). */
  packetBytes?: number;
  /**
   * Unreliable mode: how long a packet may wait in the worker's SCTP send queue, ms (mediasoup's
   * maxPacketLifeTime, sent along with maxRetransmits 0). mediasoup 3.27 turns an unset lifetime
   * into 0 ms for unordered messages, so without it every packet of a payload beyond the
   * congestion window is dropped inside the SFU (on loopback, 20–50 of a 64-packet payload)
   * and the loss counted would not be the link's.
   */
  unreliableQueueMs?: number;
}

export const DEFAULT_SFU_OPTIONS = {
  listenIp: '127.0.0.1',
  rtcMinPort: 40000,
  rtcMaxPort: 49999,
  logLevel: 'warn',
  packetBytes: DEFAULT_PACKET_BYTES,
  unreliableQueueMs: 5000,
} as const;

export type ResolvedSfuOptions = Required<Omit<SfuOptions, 'announcedAddress' | 'workerBin'>> &
  Pick<SfuOptions, 'announcedAddress' | 'workerBin'>;

function port(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1 || v > 65535) {
    throw new TypeError(`${name} must be an integer port in [1, 65535], got ${v}`);
  }
  return v;
}

export function resolveSfuOptions({
  listenIp = DEFAULT_SFU_OPTIONS.listenIp,
  announcedAddress,
  rtcMinPort = DEFAULT_SFU_OPTIONS.rtcMinPort,
  rtcMaxPort = DEFAULT_SFU_OPTIONS.rtcMaxPort,
  workerBin,
  logLevel = DEFAULT_SFU_OPTIONS.logLevel,
  packetBytes = DEFAULT_SFU_OPTIONS.packetBytes,
  unreliableQueueMs = DEFAULT_SFU_OPTIONS.unreliableQueueMs,
}: SfuOptions = {}): ResolvedSfuOptions {
  if (typeof listenIp !== 'string' || listenIp === '') {
    throw new TypeError(`listenIp must be an IP address string, got ${String(listenIp)}`);
  }
  port('rtcMinPort', rtcMinPort);
  port('rtcMaxPort', rtcMaxPort);
  if (rtcMaxPort < rtcMinPort) {
    throw new TypeError(`rtcMaxPort (${rtcMaxPort}) must be >= rtcMinPort (${rtcMinPort})`);
  }
  // 32-byte header + elements must fit one SCTP chunk in one ~1200-byte datagram.
  if (!Number.isInteger(packetBytes) || packetBytes < 4 || packetBytes > 1100) {
    throw new TypeError(`packetBytes must be an integer in [4, 1100], got ${packetBytes}`);
  }
  // SCTP stream parameters carry it as a 16-bit count of milliseconds.
  if (!Number.isInteger(unreliableQueueMs) || unreliableQueueMs < 1 || unreliableQueueMs > 65535) {
    throw new TypeError(`unreliableQueueMs must be an integer in [1, 65535], got ${unreliableQueueMs}`);
  }
  return {
    listenIp,
    announcedAddress,
    rtcMinPort,
    rtcMaxPort,
    workerBin,
    logLevel,
    packetBytes,
    unreliableQueueMs,
  };
}

export function assertDeliveryMode(mode: unknown): DeliveryMode {
  if (!DELIVERY_MODES.includes(mode as DeliveryMode)) {
    throw new TypeError(`mode must be one of ${DELIVERY_MODES.join(', ')}, got ${String(mode)}`);
  }
  return mode as DeliveryMode;
}
