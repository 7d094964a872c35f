/** @semaigc/receiver: the receiver core shared by apps/receiver-web and apps/receiver-node. */
export * from './errors';
export * from './reference-cache';
export * from './variant';
export * from './receiver-core';
export * from './preview';
export * from './job-runner';
