/**
 * What one attempt of a request came to, as data: the receiver's record, or a failure with
 * its wire error code. Attempts never throw; the retry rules (retry.ts) read these.
 */
import { ERROR_CODES, type ErrorCode, type RecordMessage } from '@semaigc/protocol';

export interface RecordOutcome {
  kind: 'record';
  record: RecordMessage;
}

export interface FailOutcome {
  kind: 'fail';
  code: ErrorCode;
  reason: string;
  /** Worth another attempt (the code's registry default unless the failure says otherwise). */
  retryable: boolean;
  /** The edge to blame: excluded from this request's next attempts. */
  edgeId: string | null;
  /** The request's receiver is (or went) offline: worth waiting for it to come back. */
  receiverLost: boolean;
}

export type Outcome = RecordOutcome | FailOutcome;

export interface FailOptions {
  /** Default: null (no edge to blame). */
  edgeId?: string | null;
  /** Default: the code's `retryable` in the ErrorCode registry. */
  retryable?: boolean;
  /** Default: false. */
  receiverLost?: boolean;
}

export function failOutcome(code: ErrorCode, reason: string, options: FailOptions = {}): FailOutcome {
  return {
    kind: 'fail',
    code,
    reason,
    retryable: options.retryable ?? ERROR_CODES[code].retryable,
    edgeId: options.edgeId ?? null,
    receiverLost: options.receiverLost ?? false,
  };
}
