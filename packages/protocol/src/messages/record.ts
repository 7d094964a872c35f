/**
 * The receiver's record of one request: one line of runs/<trial>/records.jsonl. Every field
 * is JSON-safe (no typed arrays, no NaN/Infinity), so the record the coordinator receives is
 * the line it writes. Fields a failed request never reached are null.
 */
import { z } from 'zod';
import { ERROR_CODE_NAMES, type ErrorCode } from '../error-codes';
import { idSchema } from '../ids';
import { parseWith } from '../validate';
import {
  capabilitiesSchema,
  count,
  epochMs,
  finite,
  latencyRequirementSchema,
  policySchema,
  text,
  versionField,
} from './common';
import { PROTOCOL_VERSION } from '../version';
import type { ChannelConfig } from '../channel-config';
import { DELIVERIES, MAX_PROMPT_LENGTH, type RequestBody } from './request';
import { policyInputsSchema } from './policy-inputs';
import { phyMetaSchema } from '../phy-meta';
import { recordDeliverySchema } from './delivery';
import { stepTimeSchema } from './step-time';
import type { Capabilities } from './common';

const ms = z
  .number()
  .refine((v) => Number.isFinite(v) && v >= 0, 'must be ms (finite, >= 0)')
  .nullable();

/** Per-stage timings in ms, the paper's L = L1 + L2 + L3 split finer. */
export const recordTimingsSchema = z.object({
  queueMs: ms,
  textEncodeMs: ms,
  /** L2: the a edge steps (stretched by the edge's compute share). */
  edgeStepsMs: ms,
  /** Transmission time held by link emulation (the physical layer's phy.txMs when emulating). */
  txEmulatedMs: ms,
  /** L1 as measured: edge sentAt → receiver arrival (clock-offset corrected when known). */
  transportMs: ms,
  /** L3: the T̂ − a receiver steps. */
  receiverStepsMs: ms,
  decodeMs: ms,
  /** Quality figures on the receiver (caption checker, and the reference run when asked). */
  qualityMs: ms.default(null),
  /** Request created → image ready on the receiver. */
  endToEndMs: ms,
});
export type RecordTimings = z.output<typeof recordTimingsSchema>;

const finiteOrNull = finite.nullable();

export const qualitySchema = z.object({
  /** dB against the reference image (same prompt and seed, ideal channel); finite (metrics caps it). */
  psnr: finiteOrNull,
  ssim: z.number().min(-1).max(1).nullable(),
  /** Caption-consistency score in [0, 1] (the checker's CLIP-score analogue). */
  consistency: z.number().min(0).max(1).nullable(),
});
export type Quality = z.output<typeof qualitySchema>;

export const recordSchema = z
  .object({
    v: versionField,
    type: z.literal('record'),
    trialId: idSchema,
    requestId: idSchema,
    receiverId: idSchema,
    /** null when no edge took part (Local AIGC). */
    edgeId: idSchema.nullable(),
    coordinatorId: idSchema.nullable().default(null),
    prompt: text(MAX_PROMPT_LENGTH),
    seed: z.number().int().min(0),
    totalSteps: z.number().int().min(1),
    edgeSteps: count,
    deliver: z.enum(DELIVERIES),
    policy: policySchema,
    checkpointId: text(128).nullable().default(null),
    receiverVariant: text(128).nullable().default(null),
    /** The channel as set and as it was: mode, SNR (dB), σ² in latent units, h = hRe + j·hIm. */
    channelMode: z.enum(['ideal', 'analog', 'digital']),
    snrDbSet: finite,
    snrDbMeasured: finiteOrNull,
    noiseVariance: z.number().refine((v) => Number.isFinite(v) && v >= 0, 'must be finite and >= 0'),
    hRe: finite,
    hIm: finite,
    timings: recordTimingsSchema,
    /** Bytes of the payload message as sent (latent or image); 0 for Local AIGC. */
    payloadBytes: count,
    quality: qualitySchema,
    latency: latencyRequirementSchema,
    /** The user's satisfaction in [0, 1] from endToEndMs and `latency` (0 when failed). */
    satisfaction: z.number().min(0).max(1),
    failed: z.boolean(),
    /** Why it failed (a wire error code and text); null when it did not. */
    failure: z.object({ code: z.enum(ERROR_CODE_NAMES), reason: text(2000) }).nullable(),
    retries: count,
    /** The attempt (request.attempt) this record answers; the coordinator takes only the current one's. */
    attempt: count.default(0),
    receiver: capabilitiesSchema,
    /** null when no edge took part. */
    edge: capabilitiesSchema.nullable(),
    startedAt: epochMs,
    completedAt: epochMs,
    /** The stated per-step times the request ran under (request.stepTime); absent: as measured. */
    stepTime: stepTimeSchema.optional(),
    /** A learned policy's view of this request (policy-inputs.ts); absent for other policies. */
    policyInputs: policyInputsSchema.optional(),
    /** The physical layer's account of the payload (the edge's channel meta); absent for Local AIGC. */
    phy: phyMetaSchema.optional(),
    /**
     * How the payload reached the receiver (delivery.ts): over NATS, socket.io or a WebRTC data
     * channel, with the packets sent, received and lost and the one-way delay for WebRTC;
     * absent for Local AIGC, failed requests the coordinator wrote, and older records.
     */
    delivery: recordDeliverySchema.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.edgeSteps > r.totalSteps) {
      ctx.addIssue({ code: 'custom', path: ['edgeSteps'], message: 'must be <= totalSteps' });
    }
    if (r.failed !== (r.failure !== null)) {
      ctx.addIssue({ code: 'custom', path: ['failure'], message: 'must be set exactly when failed is true' });
    }
    if (r.completedAt < r.startedAt) {
      ctx.addIssue({ code: 'custom', path: ['completedAt'], message: 'must be >= startedAt' });
    }
  });

export type RecordMessage = z.output<typeof recordSchema>;
export type RecordInput = z.input<typeof recordSchema>;

/** Reads one line of records.jsonl back (the report tool); errors name the field. */
export function parseRecord(value: unknown): RecordMessage {
  return parseWith(recordSchema, value, 'record');
}

/** What a failed record needs to know about its request. */
export type FailedRequest = Pick<
  RequestBody,
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
  | 'stepTime'
> & { channel: Pick<ChannelConfig, 'mode' | 'snrDb'>; attempt?: number };

export interface FailedRecordInput {
  request: FailedRequest;
  edgeId: string | null;
  coordinatorId: string | null;
  receiver: Capabilities;
  edge: Capabilities | null;
  code: ErrorCode;
  reason: string;
  retries: number;
  payloadBytes: number;
  startedAt: number;
  completedAt: number;
}

/**
 * The record of a request that did not finish (written by the coordinator on a timeout or a
 * lost node, and by a receiver whose job threw): the request's fields, no measurements,
 * satisfaction 0 and the failure as a wire error code with its reason.
 */
export function failedRecord(f: FailedRecordInput): RecordMessage {
  const r = f.request;
  const completedAt = Math.max(f.completedAt, f.startedAt);
  return {
    v: PROTOCOL_VERSION,
    type: 'record',
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
      endToEndMs: completedAt - f.startedAt,
    },
    payloadBytes: f.payloadBytes,
    quality: { psnr: null, ssim: null, consistency: null },
    latency: r.latency,
    satisfaction: 0,
    failed: true,
    failure: { code: f.code, reason: f.reason.slice(0, 2000) },
    retries: f.retries,
    attempt: r.attempt ?? 0,
    receiver: f.receiver,
    edge: f.edge,
    startedAt: f.startedAt,
    completedAt,
    ...(r.stepTime ? { stepTime: r.stepTime } : {}),
  };
}
