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
  type Capabilities,
  type ChannelConfig,
  type ErrorCode,
  type RecordMessage,
  type RequestMessage,
  makeMessage,
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
  request: Pick<
    RequestMessage,
    | 'trialId'
    | 'requestId'
    | 'receiverId'
    | 'prompt'
    | 'seed'
    | 'totalSteps'
    | 'edgeSteps'
    | 'deliver'
    | 'policy'
    | 'checkpointId'
    | 'receiverVariant'
    | 'latency'
  > & { channel: Pick<ChannelConfig, 'mode' | 'snrDb'> };
  edgeId: string | null;
  receiverCapabilities: Capabilities;
  code: ErrorCode;
  reason: string;
}

export function failedRecord(f: FailedRecordInfo): RecordMessage {
  const r = f.request;
  const endToEndMs = Math.max(0, f.now - f.firstDispatchAt);
  return validateMessage(
    makeMessage('record', {
      trialId: r.trialId,
      requestId: r.requestId,
      receiverId: r.receiverId,
      edgeId: f.edgeId,
      coordinatorId: f.coordinatorId,
      prompt: r.prompt,
      seed: r.seed,
      totalSteps: r.totalSteps,
      edgeSteps: r.edgeSteps,
      deliver: r.deliver,
      policy: r.policy,
      checkpointId: r.checkpointId,
      receiverVariant: r.receiverVariant,
      channelMode: r.channel.mode,
      snrDbSet: r.channel.snrDb,
      snrDbMeasured: null,
      noiseVariance: 0,
      hRe: 1,
      hIm: 0,
      timings: {
        queueMs: null,
        textEncodeMs: null,
        edgeStepsMs: null,
        txEmulatedMs: null,
        transportMs: null,
        receiverStepsMs: null,
        decodeMs: null,
        qualityMs: null,
        endToEndMs,
      },
      payloadBytes: 0,
      quality: { psnr: null, ssim: null, consistency: null },
      latency: r.latency,
      satisfaction: 0,
      failed: true,
      failure: { code: f.code, reason: f.reason.slice(0, 2000) },
      retries: f.retries,
      receiver: f.receiverCapabilities,
      edge: f.edgeId ? f.edgeCapabilities : null,
      startedAt: f.firstDispatchAt,
      completedAt: Math.max(f.now, f.firstDispatchAt),
    }),
  ) as RecordMessage;
}
