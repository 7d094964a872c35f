/**
 * Errors over the wire are data: `{ type: 'error', code, reason }` with a code from the one
 * registry (error-codes.ts) and the ids it concerns, never a stack trace.
 */
import { z } from 'zod';
import { ERROR_CODE_NAMES, type ErrorCode } from '../error-codes';
import { describeError, ProtocolError } from '../errors';
import { idSchema, isSubjectToken } from '../ids';
import { PROTOCOL_VERSION } from '../version';
import { count, text, versionField } from './common';

export const MAX_REASON_LENGTH = 2000;

export const errorSchema = z.object({
  v: versionField,
  type: z.literal('error'),
  code: z.enum(ERROR_CODE_NAMES, { error: 'must be a registered ErrorCode' }),
  reason: text(MAX_REASON_LENGTH),
  requestId: idSchema.optional(),
  trialId: idSchema.optional(),
  /** The node that reports it. */
  nodeId: idSchema.optional(),
  /** The request's attempt it concerns (request.attempt), when it concerns one. */
  attempt: count.optional(),
});

export type ErrorMessage = z.output<typeof errorSchema>;

export interface ErrorIds {
  requestId?: string;
  trialId?: string;
  nodeId?: string;
  attempt?: number;
}

/** Builds an error message; the reason is cut to the wire limit and bad ids are dropped. */
export function errorMessage(code: ErrorCode, reason: string, ids: ErrorIds = {}): ErrorMessage {
  const msg: ErrorMessage = {
    v: PROTOCOL_VERSION,
    type: 'error',
    code,
    reason: reason.slice(0, MAX_REASON_LENGTH),
  };
  for (const k of ['requestId', 'trialId', 'nodeId'] as const) {
    const id = ids[k];
    if (isSubjectToken(id)) msg[k] = id;
  }
  if (Number.isInteger(ids.attempt) && ids.attempt! >= 0) msg.attempt = ids.attempt!;
  return msg;
}

/**
 * A caught error → the wire error to answer with: the package's own errors keep their code
 * (BAD_MESSAGE, SHAPE_MISMATCH, …); anything else is INTERNAL with its message.
 */
export function toErrorMessage(err: unknown, ids: ErrorIds = {}): ErrorMessage {
  if (err instanceof ProtocolError) return errorMessage(err.code, err.message, ids);
  return errorMessage('INTERNAL', describeError(err), ids);
}
