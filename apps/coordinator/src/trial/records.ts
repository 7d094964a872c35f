/**
 * The coordinator's part of a record. A receiver's record gets the authoritative end-to-end
 * latency on the coordinator's clock (first dispatch → record arrival: no cross-machine
 * clock skew), the satisfaction computed from it, the attempt count and the edge's
 * capabilities from the registry. A request that never produced a record gets a failed
 * record built here, with what the coordinator knows (no channel was measured: σ² = 0,
 * h = 1 + 0j, timings null except end to end).
 */
import { satisfaction } from '@semaigc/metrics';
import {
  failedRecord as buildFailedRecord,
  type Capabilities,
  type ErrorCode,
  type FailedRequest,
  type RecordMessage,
  type RequestMessage,
  validateMessage,
} from '@semaigc/protocol';

export interface FinalizeInfo {
  coordinatorId: string;
  /** Coordinator clock: first dispatch and now. */
  firstDispatchAt: number;
  now: number;
  /** Attempts beyond the first (retries and regenerations). */
  retries: number;
  edgeCapabilities: Capabilities | null;
}

function satisfactionOf(latencyS: number, r: RequestMessage['latency']): number {
  return satisfaction(latencyS, { targetS: r.minS, limitS: r.maxS, failureLimitS: r.failureS });
}

export function finalizeRecord(record: RecordMessage, info: FinalizeInfo): RecordMessage {
  const endToEndMs = Math.max(0, info.now - info.firstDispatchAt);
  const latencyS = endToEndMs / 1000;
  const overLimit = latencyS > record.latency.failureS;
  const failure =
    record.failure ??
    (overLimit
      ? {
          code: 'DEADLINE_EXCEEDED' as ErrorCode,
          reason: `end to end ${latencyS.toFixed(2)} s is over the failure limit ${record.latency.failureS} s`,
        }
      : null);
  const failed = failure !== null;
  const out = {
    ...record,
    coordinatorId: info.coordinatorId,
    timings: { ...record.timings, endToEndMs },
    satisfaction: failed ? 0 : satisfactionOf(latencyS, record.latency),
    failed,
    failure,
    retries: info.retries,
    edge: record.edge ?? (record.edgeId ? info.edgeCapabilities : null),
    startedAt: info.firstDispatchAt,
    completedAt: Math.max(info.now, info.firstDispatchAt),
  };
  return validateMessage(out) as RecordMessage;
}

export interface FailedRecordInfo extends FinalizeInfo {
  request: FailedRequest;
  edgeId: string | null;
  receiverCapabilities: Capabilities;
  code: ErrorCode;
  reason: string;
}

export function failedRecord(f: FailedRecordInfo): RecordMessage {
  return validateMessage(
    buildFailedRecord({
      request: f.request,
      edgeId: f.edgeId,
      coordinatorId: f.coordinatorId,
      receiver: f.receiverCapabilities,
      edge: f.edgeId ? f.edgeCapabilities : null,
      code: f.code,
      reason: f.reason,
      retries: f.retries,
      payloadBytes: 0,
      startedAt: f.firstDispatchAt,
      completedAt: f.now,
    }),
  ) as RecordMessage;
}
