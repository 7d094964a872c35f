export * from './errors';
export {
  PACKET_MAGIC,
  PACKET_VERSION,
  PACKET_HEADER_BYTES,
  DEFAULT_PACKET_BYTES,
  MAX_PACKETS_PER_PAYLOAD,
  encodePacket,
  decodePacket,
  stampSentAt,
  type PacketHeader,
  type LatentPacket,
} from './packet';
export { packetizeLatent, elementsPerPacket, type PacketizeOptions } from './packetize';
export { LatentAssembler, type AssembledLatent } from './assemble';
export { lossPattern, lossMaskFromSeqs, type LossPattern } from './stats';
export {
  WEBRTC_OPEN_EVENT,
  WEBRTC_CONNECT_EVENT,
  WEBRTC_UNAVAILABLE_EVENT,
  unwrapReply,
  type WebRtcUnavailableNotice,
  type WebRtcDeliveryMode,
  type WebRtcOpenRequest,
  type WebRtcConnectRequest,
  type SignallingReply,
} from './signalling';
