/**
 * A generation request: the coordinator asks an edge to run `edgeSteps` (a) of `totalSteps`
 * (T̂) DDIM steps for one prompt and send the latent, through the configured channel, to
 * the receiver, which runs the other T̂ − a. Policies: a = T̂ is "Non-fine-tuning AIGC",
 * a = 0 "Local AIGC" (the coordinator sends the request straight to the receiver), and
 * `deliver: 'image'` (with a = T̂) "Edge AIGC", where the edge decodes and sends pixels.
 */
import { z } from 'zod';
import { channelConfigSchema } from '../channel-config';
import { idSchema, subjectSchema } from '../ids';
import { count, epochMs, finite, latencyRequirementSchema, policySchema, text, versionField } from './common';
import { stepTimeSchema } from './step-time';

export const DEFAULT_TOTAL_STEPS = 20;
export const MAX_TOTAL_STEPS = 1000;
export const MAX_PROMPT_LENGTH = 1000;
export const DELIVERIES = ['latent', 'image'] as const;

/** The request's fields without the envelope; a latent or image payload embeds these. */
export const requestFields = {
  trialId: idSchema,
  requestId: idSchema,
  prompt: text(MAX_PROMPT_LENGTH).min(1, 'must not be empty'),
  /** Seeds the initial noise and the channel's noise for this request. */
  seed: z.number().int('must be an integer').min(0, 'must be >= 0'),
  /** T̂ */
  totalSteps: z.number().int('must be an integer').min(1).max(MAX_TOTAL_STEPS),
  /** a, in [0, T̂] */
  edgeSteps: count,
  guidanceScale: finite.refine((v) => v >= 0 && v <= 100, 'must be in [0, 100]'),
  channel: channelConfigSchema,
  policy: policySchema,
  /** Which trained agent chose `edgeSteps` (ROOT), if any. */
  checkpointId: text(128).nullable().default(null),
  latency: latencyRequirementSchema,
  /**
   * Epoch ms (coordinator clock) after which nobody waits for this attempt's result: the
   * attempt's timeout, capped by the request's failure limit. An edge or receiver that gets
   * or reaches work past it drops it with an error DEADLINE_EXCEEDED (so no stale work
   * runs after an outage or a freeze).
   */
  deadline: epochMs,
  receiverId: idSchema,
  /** Where the edge sends errors that happen after it accepted the request. */
  replyTo: subjectSchema,
  /** Receiver-side model variant (e.g. a smaller fine-tune UNet); null for the bundle default. */
  receiverVariant: text(128).nullable().default(null),
  /** The edge chosen to serve it (ASP selection); null for "any edge" via the queue group. */
  edgeId: idSchema.nullable().default(null),
  deliver: z.enum(DELIVERIES, { error: `must be one of ${DELIVERIES.join(', ')}` }).default('latent'),
  createdAt: epochMs,
  /** 0 for the first try; retries of the same request id count up. */
  attempt: count.default(0),
  /** Ask the receiver for PSNR/SSIM against a channel-free reference (costs it a second generation). */
  computeReference: z.boolean().default(false),
  /** Stated per-step times the edge and receiver pad their steps to (step-time.ts); absent: as measured. */
  stepTime: stepTimeSchema.optional(),
};

type RequestLike = {
  totalSteps: number;
  edgeSteps: number;
  deliver: string;
  channel: { mode: string; digital?: unknown };
};

/** Cross-field rules; shared by the request and the copy embedded in payloads. */
function checkRequest(r: RequestLike, ctx: z.RefinementCtx, prefix: string[]): void {
  if (r.edgeSteps > r.totalSteps) {
    ctx.addIssue({
      code: 'custom',
      path: [...prefix, 'edgeSteps'],
      message: 'must be <= totalSteps (a ∈ [0, T̂])',
    });
  }
  if (r.deliver === 'image' && r.edgeSteps !== r.totalSteps) {
    ctx.addIssue({
      code: 'custom',
      path: [...prefix, 'deliver'],
      message: "'image' needs edgeSteps = totalSteps",
    });
  }
  if (r.channel.mode === 'digital' && !r.channel.digital) {
    ctx.addIssue({
      code: 'custom',
      path: [...prefix, 'channel', 'digital'],
      message: 'is required when mode is digital',
    });
  }
}

export const requestBodySchema = z.object(requestFields).superRefine((r, ctx) => checkRequest(r, ctx, []));

export const requestSchema = z
  .object({ v: versionField, type: z.literal('request'), ...requestFields })
  .superRefine((r, ctx) => checkRequest(r, ctx, []));

/** The edge's immediate answer on the NATS reply inbox. */
export const requestAcceptedSchema = z.object({
  v: versionField,
  type: z.literal('request.accepted'),
  requestId: idSchema,
  trialId: idSchema,
  edgeId: idSchema,
  /** Requests ahead of this one on the edge. */
  queueDepth: count,
  acceptedAt: epochMs,
});

export type RequestBody = z.output<typeof requestBodySchema>;
export type RequestBodyInput = z.input<typeof requestBodySchema>;
export type RequestMessage = z.output<typeof requestSchema>;
export type RequestAcceptedMessage = z.output<typeof requestAcceptedSchema>;
