/**
 * NATS subjects, defined once. Every subject starts with `semaigc.v<PROTOCOL_VERSION>` so
 * that nodes of different versions on one server never see each other's traffic (and a
 * `VersionMismatchError` only happens across a socket.io link or a misconfigured relay).
 *
 * | subject | publisher → subscriber | message types |
 * | --- | --- | --- |
 * | `semaigc.v1.node.<id>.hello` / `.heartbeat` / `.bye` | node `<id>` → coordinator | hello, heartbeat, bye |
 * | `semaigc.v1.node.<id>.control` | coordinator → one node | welcome, trial.assign, trial.release, error |
 * | `semaigc.v1.edge.request` (queue group `semaigc-v1-edges`) | coordinator → any one edge | request |
 * | `semaigc.v1.edge.<id>.request` | coordinator → a chosen edge (ASP selection) | request |
 * | `semaigc.v1.receiver.<id>.latent` | edge → receiver (or the coordinator's relay) | latent, image |
 * | `semaigc.v1.receiver.<id>.request` | coordinator → receiver, for local (a = 0) work | request |
 * | `semaigc.v1.record` | receiver → coordinator | record |
 * | `semaigc.v1.trial.<id>.events` | coordinator → dashboards | trial.start, trial.progress, trial.end |
 * | `semaigc.v1.error` | any node → coordinator | error |
 * | `semaigc.v1.preview` | receiver → coordinator (dashboard, runs/<trial>/images) | preview |
 *
 * The lifecycle subjects carry the sender's id, so nats-server's per-identity permissions
 * (node-kit's nats-auth.ts) let a node publish only its own, and the coordinator takes a
 * lifecycle message only when the payload's `nodeId` is the subject's.
 *
 * Request/reply: the coordinator sends `request` with NATS request() to an edge subject;
 * the edge answers `request.accepted` or `error` on the NATS reply inbox at once, then
 * sends the latent to the receiver subject. `request.replyTo` is where late errors go.
 */
import { assertSubjectToken } from './ids';
import { PROTOCOL_VERSION } from './version';

export const SUBJECT_PREFIX = `semaigc.v${PROTOCOL_VERSION}`;

/** The node lifecycle messages, each on `semaigc.v1.node.<id>.<kind>`. */
export const LIFECYCLE_KINDS = ['hello', 'heartbeat', 'bye'] as const;
export type LifecycleKind = (typeof LIFECYCLE_KINDS)[number];
/** What the coordinator subscribes to: every node's hellos, heartbeats, byes. */
export const HELLO_WILDCARD = `${SUBJECT_PREFIX}.node.*.hello`;
export const HEARTBEAT_WILDCARD = `${SUBJECT_PREFIX}.node.*.heartbeat`;
export const BYE_WILDCARD = `${SUBJECT_PREFIX}.node.*.bye`;
export const EDGE_REQUEST_SUBJECT = `${SUBJECT_PREFIX}.edge.request`;
/** Queue group of `EDGE_REQUEST_SUBJECT`: each request reaches exactly one edge. */
export const EDGE_QUEUE_GROUP = `semaigc-v${PROTOCOL_VERSION}-edges`;
export const RECORD_SUBJECT = `${SUBJECT_PREFIX}.record`;
/**
 * The JetStream stream that stores what is published on RECORD_SUBJECT (the coordinator
 * creates it), so a record sent while the coordinator is down is kept. A receiver publishes
 * a record as a JetStream message; the server's ack names this stream. A coordinator on a
 * server without JetStream answers such a publish itself with an ack naming
 * `PLAIN_RECORD_ACK_STREAM`: taken, not stored.
 */
export const RECORDS_STREAM = `SEMAIGC_V${PROTOCOL_VERSION}_RECORDS`;
export const PLAIN_RECORD_ACK_STREAM = 'plain';
/**
 * The JetStream message id of a record, `trial/request/attempt/receiver`: the server drops a
 * re-send within its duplicate window. The receiver id is in it so that a record claiming
 * another receiver (refused as not due) cannot take the genuine record's id. Headless
 * receivers publish with it; the coordinator stores a browser receiver's record with it too.
 */
export function recordMsgId(r: {
  trialId: string;
  requestId: string;
  attempt: number;
  receiverId: string;
}): string {
  return `${r.trialId}/${r.requestId}/${r.attempt}/${r.receiverId}`;
}
export const ERROR_SUBJECT = `${SUBJECT_PREFIX}.error`;
/** A receiver's finished image for the dashboard and runs/<trial>/images (not on the measured path). */
export const PREVIEW_SUBJECT = `${SUBJECT_PREFIX}.preview`;

/** Wildcards for the coordinator's relay and monitoring. */
export const RECEIVER_LATENT_WILDCARD = `${SUBJECT_PREFIX}.receiver.*.latent`;
export const TRIAL_EVENTS_WILDCARD = `${SUBJECT_PREFIX}.trial.*.events`;
/** Everything of this protocol version (for a tap/recorder). */
export const ALL_SUBJECTS_WILDCARD = `${SUBJECT_PREFIX}.>`;

export function nodeControlSubject(nodeId: string): string {
  assertSubjectToken(nodeId, 'nodeId');
  return `${SUBJECT_PREFIX}.node.${nodeId}.control`;
}

/** `semaigc.v1.node.<id>.hello` (and heartbeat, bye): where node `<id>` says it. */
export function nodeLifecycleSubject(nodeId: string, kind: LifecycleKind): string {
  assertSubjectToken(nodeId, 'nodeId');
  return `${SUBJECT_PREFIX}.node.${nodeId}.${kind}`;
}

export function edgeRequestSubject(edgeId: string): string {
  assertSubjectToken(edgeId, 'edgeId');
  return `${SUBJECT_PREFIX}.edge.${edgeId}.request`;
}

export function receiverLatentSubject(receiverId: string): string {
  assertSubjectToken(receiverId, 'receiverId');
  return `${SUBJECT_PREFIX}.receiver.${receiverId}.latent`;
}

export function receiverRequestSubject(receiverId: string): string {
  assertSubjectToken(receiverId, 'receiverId');
  return `${SUBJECT_PREFIX}.receiver.${receiverId}.request`;
}

export function trialEventsSubject(trialId: string): string {
  assertSubjectToken(trialId, 'trialId');
  return `${SUBJECT_PREFIX}.trial.${trialId}.events`;
}

/**
 * The id in `semaigc.v1.receiver.<id>.latent` (and the like, `semaigc.v1.node.<id>.hello`),
 * or null if it is not one.
 */
export function idFromSubject(subject: string, kind: 'node' | 'edge' | 'receiver' | 'trial'): string | null {
  const parts = subject.split('.');
  if (parts.length !== 5 || `${parts[0]}.${parts[1]}` !== SUBJECT_PREFIX || parts[2] !== kind) return null;
  return parts[3] ?? null;
}
