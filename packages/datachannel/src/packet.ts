/**
 * One latent packet as it crosses a data channel: a fixed 32-byte header and float32 elements.
 * Each packet is sent as one data-channel message, sized to fit one SCTP chunk in one UDP
 * datagram (DEFAULT_PACKET_BYTES of elements + the header stay under WebRTC's ~1200-byte SCTP
 * MTU), so on an unreliable channel a datagram lost on the link is exactly one packet lost.
 *
 *   offset size field
 *        0    1 magic        0x4c ('L')
 *        1    1 version      PACKET_VERSION
 *        2    2 count        packets in this payload (u16)
 *        4    4 payloadId    sender-assigned id of the latent (u32)
 *        8    4 seq          per-channel sequence number, +1 per packet sent (u32, wraps)
 *       12    2 index        this packet's index in the payload, 0 … count−1 (u16)
 *       14    2 reserved     0
 *       16    4 offset       first element carried (u32)
 *       20    4 elements     number of float32 elements carried (u32)
 *       24    8 sentAtMs     sender's wall clock (ms since the epoch) when it was handed to the SFU (f64)
 *       32    …  data        `elements` float32 values
 * All little-endian.
 */
import { PacketError } from './errors';

export const PACKET_MAGIC = 0x4c;
export const PACKET_VERSION = 1;
export const PACKET_HEADER_BYTES = 32;
/** Element bytes per packet by default: 256 float32 values, 1056 bytes with the header. */
export const DEFAULT_PACKET_BYTES = 1024;
/** The most packets one payload may have (the count field is 16 bits). */
export const MAX_PACKETS_PER_PAYLOAD = 0xffff;

export interface PacketHeader {
  count: number;
  payloadId: number;
  seq: number;
  index: number;
  offset: number;
  elements: number;
  sentAtMs: number;
}

export interface LatentPacket extends PacketHeader {
  /** The carried elements (a copy, aligned). */
  data: Float32Array;
}

function u32(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new TypeError(`${name} must be an integer in [0, 2^32), got ${v}`);
  }
  return v;
}

/** Writes one packet: header fields and `data` (the elements it carries). */
export function encodePacket(header: PacketHeader, data: Float32Array): Uint8Array {
  if (data.length !== header.elements) {
    throw new TypeError(`packet data has ${data.length} elements, header says ${header.elements}`);
  }
  if (!Number.isInteger(header.count) || header.count < 1 || header.count > MAX_PACKETS_PER_PAYLOAD) {
    throw new TypeError(`count must be an integer in [1, ${MAX_PACKETS_PER_PAYLOAD}], got ${header.count}`);
  }
  if (!Number.isInteger(header.index) || header.index < 0 || header.index >= header.count) {
    throw new TypeError(`index must be an integer in [0, count=${header.count}), got ${header.index}`);
  }
  const bytes = new Uint8Array(PACKET_HEADER_BYTES + data.length * 4);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, PACKET_MAGIC);
  view.setUint8(1, PACKET_VERSION);
  view.setUint16(2, header.count, true);
  view.setUint32(4, u32('payloadId', header.payloadId), true);
  view.setUint32(8, u32('seq', header.seq), true);
  view.setUint16(12, header.index, true);
  view.setUint32(16, u32('offset', header.offset), true);
  view.setUint32(20, u32('elements', header.elements), true);
  view.setFloat64(24, header.sentAtMs, true);
  for (let i = 0; i < data.length; i++) view.setFloat32(PACKET_HEADER_BYTES + 4 * i, data[i]!, true);
  return bytes;
}

/** Sets the send time of an encoded packet in place (stamped when it is handed to the SFU). */
export function stampSentAt(packet: Uint8Array, sentAtMs: number): void {
  new DataView(packet.buffer, packet.byteOffset, packet.byteLength).setFloat64(24, sentAtMs, true);
}

/** Reads one packet; throws PacketError naming the field when it is not a valid latent packet. */
export function decodePacket(bytes: Uint8Array | ArrayBuffer): LatentPacket {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (b.byteLength < PACKET_HEADER_BYTES) {
    throw new PacketError('header', `${b.byteLength} bytes, at least ${PACKET_HEADER_BYTES} expected`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (view.getUint8(0) !== PACKET_MAGIC) {
    throw new PacketError('magic', `0x${view.getUint8(0).toString(16)}, 0x4c expected`);
  }
  if (view.getUint8(1) !== PACKET_VERSION) {
    throw new PacketError('version', `${view.getUint8(1)}, ${PACKET_VERSION} expected`);
  }
  const header: PacketHeader = {
    count: view.getUint16(2, true),
    payloadId: view.getUint32(4, true),
    seq: view.getUint32(8, true),
    index: view.getUint16(12, true),
    offset: view.getUint32(16, true),
    elements: view.getUint32(20, true),
    sentAtMs: view.getFloat64(24, true),
  };
  if (header.count < 1) throw new PacketError('count', 'must be >= 1');
  if (header.index >= header.count) {
    throw new PacketError('index', `${header.index} not below count ${header.count}`);
  }
  const want = PACKET_HEADER_BYTES + header.elements * 4;
  if (b.byteLength !== want) {
    throw new PacketError('elements', `${header.elements} elements need ${want} bytes, got ${b.byteLength}`);
  }
  const data = new Float32Array(header.elements);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(PACKET_HEADER_BYTES + 4 * i, true);
  return { ...header, data };
}
