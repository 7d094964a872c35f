/** @semaigc/node-kit: Node-side pieces shared by the edge and headless receivers. */
export * from './logger';
export * from './profile';
export * from './cpu-clock';
export * from './pipeline';
export * from './lifecycle';
export * from './node-id';
export * from './errors';
export * from './free-port';
export * from './nats-server';
export * from './nats-auth';
export * from './nats-connect';
export * from './nats-tls';
export * from './record-publisher';
