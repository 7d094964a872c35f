/** SFU settings, their defaults in one place, and their validation (TypeError naming the field). */
import type { types } from 'mediasoup';
import { DEFAULT_PACKET_BYTES } from '@semaigc/datachannel';

/**
 * reliable:   ordered, retransmitted until delivered (like socket.io, but over SCTP/UDP);
 * unreliable: unordered, no retransmission (maxRetransmits 0): a packet lost on the link is lost.
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
}

export const DEFAULT_SFU_OPTIONS = {
  listenIp: '127.0.0.1',
  rtcMinPort: 40000,
  rtcMaxPort: 49999,
  logLevel: 'warn',
  packetBytes: DEFAULT_PACKET_BYTES,
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
  return { listenIp, announcedAddress, rtcMinPort, rtcMaxPort, workerBin, logLevel, packetBytes };
}

export function assertDeliveryMode(mode: unknown): DeliveryMode {
  if (!DELIVERY_MODES.includes(mode as DeliveryMode)) {
    throw new TypeError(`mode must be one of ${DELIVERY_MODES.join(', ')}, got ${String(mode)}`);
  }
  return mode as DeliveryMode;
}
