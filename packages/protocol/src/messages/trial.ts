/**
 * Trial control: the coordinator announces a trial, assigns receivers to it, reports
 * progress and the end. Dashboards and receivers listen; only the coordinator sends these.
 */
import { z } from 'zod';
import { channelConfigSchema, snrProcessSchema } from '../channel-config';
import { idSchema } from '../ids';
import { deliveryChoiceSchema } from './delivery';
import {
  count,
  durationMs,
  epochMs,
  latencyRequirementSchema,
  policySchema,
  text,
  versionField,
} from './common';

export const trialStartSchema = z.object({
  v: versionField,
  type: z.literal('trial.start'),
  trialId: idSchema,
  name: text(128),
  policy: policySchema,
  totalSteps: z.number().int().min(1),
  /** Number of requests the trial will send. */
  requests: z.number().int().min(1),
  receiverIds: z.array(idSchema).max(10_000),
  edgeIds: z.array(idSchema).max(10_000),
  seed: z.number().int().min(0),
  channel: channelConfigSchema,
  snr: snrProcessSchema,
  latency: latencyRequirementSchema,
  startedAt: epochMs,
});

const tally = {
  done: count,
  failed: count,
  total: count,
  meanSatisfaction: z.number().min(0).max(1).nullable(),
};

export const trialProgressSchema = z
  .object({
    v: versionField,
    type: z.literal('trial.progress'),
    trialId: idSchema,
    ...tally,
    inFlight: count,
    lastRequestId: idSchema.nullable(),
    elapsedMs: durationMs,
  })
  .refine((p) => p.done <= p.total && p.failed <= p.done, {
    path: ['done'],
    message: 'needs failed <= done <= total',
  });

export const TRIAL_END_STATUSES = ['completed', 'aborted', 'failed'] as const;

export const trialEndSchema = z
  .object({
    v: versionField,
    type: z.literal('trial.end'),
    trialId: idSchema,
    status: z.enum(TRIAL_END_STATUSES),
    reason: text(2000).nullable(),
    ...tally,
    endedAt: epochMs,
  })
  .refine((p) => p.done <= p.total && p.failed <= p.done, {
    path: ['done'],
    message: 'needs failed <= done <= total',
  });

/** Puts a receiver in a trial, optionally emulating a weaker device (compute share p). */
export const trialAssignSchema = z.object({
  v: versionField,
  type: z.literal('trial.assign'),
  trialId: idSchema,
  receiverId: idSchema,
  computeShare: z
    .number()
    .refine((v) => v > 0 && v <= 1, 'must be in (0, 1]')
    .nullable()
    .default(null),
  receiverVariant: text(128).nullable().default(null),
  assignedAt: epochMs,
  /** How the trial wants payloads delivered (delivery.ts); absent: socket.io. */
  delivery: deliveryChoiceSchema.optional(),
});

export const trialReleaseSchema = z.object({
  v: versionField,
  type: z.literal('trial.release'),
  trialId: idSchema,
  receiverId: idSchema,
  reason: text(512),
});

export type TrialStartMessage = z.output<typeof trialStartSchema>;
export type TrialProgressMessage = z.output<typeof trialProgressSchema>;
export type TrialEndMessage = z.output<typeof trialEndSchema>;
export type TrialAssignMessage = z.output<typeof trialAssignSchema>;
export type TrialReleaseMessage = z.output<typeof trialReleaseSchema>;
