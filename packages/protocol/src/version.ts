/**
 * Wire protocol version. Every envelope carries `v: PROTOCOL_VERSION`; a peer with another
 * version is refused with a `VersionMismatchError` before anything else is read. Bump it on
 * any change an older peer would misread (a removed or retyped field, a new required field).
 */
export const PROTOCOL_VERSION = 1;
