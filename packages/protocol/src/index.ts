/**
 * @semaigc/protocol — the SemAIGC wire protocol (browser-safe): message types and
 * validators, the msgpackr codec, tensors, NATS subjects, socket.io event maps, error codes.
 */
export { PROTOCOL_VERSION } from './version';

export * from './errors';
export * from './error-codes';
export * from './validate';
export * from './channel-config';
export * from './phy-meta';
export * from './ids';
export * from './float16';
export * from './tensor';
export * from './messages';
export * from './codec';
export * from './subjects';
export * from './nats-link';
export * from './socket-events';
