export * from './errors';
export * from './free-port';
export * from './nats-server';
export * from './chromium';
