/** @semaigc/session: one node session (hello, welcome, heartbeat, bye) over an injected transport. */
export * from './defaults';
export * from './transport';
export * from './transitions';
export * from './outbox';
export * from './node-session';
