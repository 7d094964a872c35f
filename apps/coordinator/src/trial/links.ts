/**
 * What a trial gets from the coordinator that runs it: how it reaches nodes (links), the
 * registry, the clock, where it writes. The trial's parts take these as arguments, so they
 * can be driven without a coordinator process.
 */
import type { RecordMessage } from '@semaigc/protocol';
import type { Logger } from 'pino';
import type { TrialProgress } from '../api-types';
import type { NodeEntry, NodeRegistry } from '../registry/node-registry';

/** How the trial reaches nodes and tells the world; the coordinator implements it. */
export interface TrialLinks {
  /** NATS request/reply to an edge subject: the reply bytes (request.accepted or error). */
  requestEdge(subject: string, bytes: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** A request (a = 0), trial.assign or trial.release to a receiver over its transport. */
  toReceiver(node: NodeEntry, event: 'request' | 'trial.assign' | 'trial.release', bytes: Uint8Array): void;
  /** A message to an edge's control subject (EDGE_CRASH: drop this task, its edge crashed). */
  toEdgeControl(edgeId: string, bytes: Uint8Array): void;
  /** trial.start / trial.progress / trial.end to NATS and dashboards. */
  trialEvent(trialId: string, event: 'trial.start' | 'trial.progress' | 'trial.end', bytes: Uint8Array): void;
  /** A record was written (dashboards). */
  recordWritten(record: RecordMessage, bytes: Uint8Array): void;
}

export interface TrialEnv {
  coordinatorId: string;
  registry: NodeRegistry;
  links: TrialLinks;
  /** Bound to the trial (`trialId` on every line). */
  logger: Logger;
  runsDir: string;
  bundleDir: string | undefined;
  /** Subject for late errors from edges (request.replyTo). */
  errorSubject: string;
  now: () => number;
}

export interface RunTrialOptions {
  onProgress?: (progress: TrialProgress, record: RecordMessage) => void;
  signal?: AbortSignal;
}
