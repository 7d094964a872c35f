/**
 * Splits a latent into packets (the sender's side). Elements per packet follow the packet
 * channel's rule, floor(packetBytes·8 / 32) float32 values, so a real data channel and the
 * emulated packet channel cut the same tensor into the same packets.
 */
import { DEFAULT_PACKET_BYTES, MAX_PACKETS_PER_PAYLOAD, encodePacket } from './packet';

export interface PacketizeOptions {
  payloadId: number;
  /** Sequence number of the first packet; the next payload on the channel starts at firstSeq + packets. */
  firstSeq: number;
  /** Element bytes per packet (default DEFAULT_PACKET_BYTES). */
  packetBytes?: number;
}

export function elementsPerPacket(packetBytes: number): number {
  if (!Number.isInteger(packetBytes) || packetBytes < 4) {
    throw new TypeError(`packetBytes must be an integer >= 4, got ${packetBytes}`);
  }
  return Math.floor((packetBytes * 8) / 32);
}

/** The packets of `latent`, in order, with sentAtMs 0 (stamped when sent). */
export function packetizeLatent(latent: Float32Array, options: PacketizeOptions): Uint8Array[] {
  if (latent.length === 0) throw new TypeError('latent must have at least one element');
  const per = elementsPerPacket(options.packetBytes ?? DEFAULT_PACKET_BYTES);
  const count = Math.ceil(latent.length / per);
  if (count > MAX_PACKETS_PER_PAYLOAD) {
    throw new TypeError(
      `latent of ${latent.length} elements needs ${count} packets, at most ${MAX_PACKETS_PER_PAYLOAD}`,
    );
  }
  const packets: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const offset = index * per;
    const data = latent.subarray(offset, Math.min(latent.length, offset + per));
    packets.push(
      encodePacket(
        {
          count,
          payloadId: options.payloadId,
          seq: (options.firstSeq + index) >>> 0,
          index,
          offset,
          elements: data.length,
          sentAtMs: 0,
        },
        data,
      ),
    );
  }
  return packets;
}
