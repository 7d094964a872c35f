export * from './errors';
export { resolveWorkerBin, cachedWorkerBin } from './worker-bin';
export {
  DELIVERY_MODES,
  DEFAULT_SFU_OPTIONS,
  assertDeliveryMode,
  resolveSfuOptions,
  type DeliveryMode,
  type SfuOptions,
  type ResolvedSfuOptions,
} from './options';
export { Sfu, createSfu, type ReceiverWebRtcParams, type SentLatent, type ReceiverLinkStats } from './sfu';
export {
  createShapedLink,
  shapedLinkSupport,
  type ShapedLink,
  type ShapedLinkOptions,
  type QdiscCounters,
} from './shaped-link';
export {
  attachWebRtcSignalling,
  type SignallingSocket,
  type WebRtcOffer,
  type WebRtcSignallingOptions,
} from './signalling';
