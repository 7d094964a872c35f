/**
 * Node lifecycle: a node announces itself (hello), the coordinator answers (welcome), the
 * node beats (heartbeat) and leaves (bye). A node that misses heartbeats for
 * `nodeTimeoutMs` is lost (ErrorCode NODE_LOST for its in-flight requests).
 */
import { z } from 'zod';
import { idSchema } from '../ids';
import { capabilitiesSchema, count, epochMs, roleSchema, text, versionField } from './common';

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 2000;
/** Three missed beats. */
export const DEFAULT_NODE_TIMEOUT_MS = 3 * DEFAULT_HEARTBEAT_INTERVAL_MS;

export const helloSchema = z.object({
  v: versionField,
  type: z.literal('hello'),
  nodeId: idSchema,
  role: roleSchema,
  /** Shown on the dashboard ("Pixel 7, Chrome"). */
  name: text(128),
  capabilities: capabilitiesSchema,
  sentAt: epochMs,
  /**
   * Random per running session (process or page): a hello for an online node id from
   * another instance is a second node claiming the id, not the same node saying hello again.
   */
  instance: idSchema.optional(),
});

export const welcomeSchema = z
  .object({
    v: versionField,
    type: z.literal('welcome'),
    nodeId: idSchema,
    coordinatorId: idSchema,
    heartbeatIntervalMs: z.number().int().min(100).max(600_000),
    nodeTimeoutMs: z.number().int().min(100).max(3_600_000),
    /** Coordinator clock at sending; a node estimates its clock offset from it. */
    serverTime: epochMs,
  })
  .refine((w) => w.nodeTimeoutMs > w.heartbeatIntervalMs, {
    path: ['nodeTimeoutMs'],
    message: 'must be > heartbeatIntervalMs',
  });

export const heartbeatSchema = z.object({
  v: versionField,
  type: z.literal('heartbeat'),
  nodeId: idSchema,
  role: roleSchema,
  /** Increments by one per beat; a gap means lost beats. */
  seq: count,
  sentAt: epochMs,
  inFlight: count,
  queued: count,
  /** Latest measured per-step time in ms, null if none yet. */
  stepMs: z
    .number()
    .refine((v) => Number.isFinite(v) && v > 0, 'must be ms > 0')
    .nullable(),
});

export const byeSchema = z.object({
  v: versionField,
  type: z.literal('bye'),
  nodeId: idSchema,
  role: roleSchema,
  reason: text(512),
  sentAt: epochMs,
});

export type HelloMessage = z.output<typeof helloSchema>;
export type WelcomeMessage = z.output<typeof welcomeSchema>;
export type HeartbeatMessage = z.output<typeof heartbeatSchema>;
export type ByeMessage = z.output<typeof byeSchema>;
