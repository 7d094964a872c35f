/**
 * Identifiers (node, trial, request ids) become NATS subject tokens
 * (`semaigc.v1.receiver.<id>.latent`), so they are restricted to characters that can never
 * change a subject's meaning: no `.`, `*`, `>`, whitespace or anything outside ASCII.
 */
import { z } from 'zod';

export const MAX_ID_LENGTH = 64;
export const SUBJECT_TOKEN_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** A whole subject: tokens of the above (plus `$`, as in `$JS`/`_INBOX`) joined by dots. */
export const SUBJECT_RE = /^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/;
export const MAX_SUBJECT_LENGTH = 256;

const TOKEN_RULE = `must be 1-${MAX_ID_LENGTH} characters of A-Z a-z 0-9 _ - (a NATS subject token)`;

export function isSubjectToken(value: unknown): value is string {
  return typeof value === 'string' && SUBJECT_TOKEN_RE.test(value);
}

/** For API arguments: throws `TypeError` naming the argument when `value` is not a token. */
export function assertSubjectToken(value: unknown, what: string): asserts value is string {
  if (!isSubjectToken(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
    throw new TypeError(`${what} ${TOKEN_RULE}, got ${shown}`);
  }
}

/** zod schema for ids inside messages (node, trial, request, receiver, edge ids). */
export const idSchema = z.string().regex(SUBJECT_TOKEN_RE, TOKEN_RULE);

/** zod schema for a full subject (a `replyTo`). */
export const subjectSchema = z
  .string()
  .max(MAX_SUBJECT_LENGTH, `must be at most ${MAX_SUBJECT_LENGTH} characters`)
  .regex(SUBJECT_RE, 'must be a NATS subject: dot-separated tokens of A-Z a-z 0-9 _ - $, no wildcards');
