export * from './errors';
// The nats-server launcher and free-port helpers live in @semaigc/node-kit (the lab uses
// them too); tests get them from here.
export { freePort, waitForPort, startNatsServer, DEFAULT_NATS_READY_TIMEOUT_MS } from '@semaigc/node-kit';
export type { NatsServer, NatsServerOptions } from '@semaigc/node-kit';
export * from './chromium';
export * from './phone';
export * from './tls';
