/** Wire protocol version; a peer with another version is refused with a clear error. */
export const PROTOCOL_VERSION = 1;

export * from './errors';
export * from './validate';
export * from './channel-config';
