/** @semaigc/edge: the edge transmitter node (`semaigc edge`). */
export * from './edge';
export { generate, type GenerateContext } from './generate';
export { JobQueue } from './job-queue';
