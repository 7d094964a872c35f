/**
 * The retry rules of a request, as one pure function: given what the last attempt came to
 * and where the request stands, what happens next.
 *
 *   record, quality gate not met, regenerations and time left  → regenerate (new seed)
 *   record otherwise                                          → accept it
 *   receiver lost, retries left   → wait for it (grace from its last sign of life);
 *                                   back → send again; not back → the failure below
 *   retryable failure, retries and time left → retry (on another edge when a ≥ 1;
 *                                   none left → wait for an edge, the same one included,
 *                                   after a backoff, up to edgeGraceS: one back → retry on
 *                                   it; none, or no grace → fail with the cause)
 *   anything else                 → fail with the attempt's code
 *
 * Three facts need a side effect to learn (waiting for a receiver, asking the edge
 * selector, waiting for an edge); nextStep asks for them with a step of their own, and the caller calls it again
 * with the fact set. So every branch is a plain function of its inputs (test/retry.test.ts).
 */
import type { ErrorCode, RecordMessage } from '@semaigc/protocol';
import type { Outcome } from './outcome';

export interface RetryState {
  /** Extra attempts used so far after failures (resends to a returned receiver included). */
  retries: number;
  /** Quality-gate regenerations so far. */
  regenerations: number;
  /** retries.max of the trial. */
  maxRetries: number;
  /** retries.receiverGraceS of the trial (for the failure's reason). */
  receiverGraceS: number;
  /** retries.edgeGraceS of the trial: 0 fails at once when no other edge is left. */
  edgeGraceS: number;
  qualityGate: { minConsistency: number; maxRegenerations: number } | null;
  /** a: with 0 the request goes to the receiver and no edge is needed. */
  edgeSteps: number;
  /** Now is before the request's failure deadline. */
  beforeDeadline: boolean;
  aborted: boolean;
  /** Answer to an 'await-receiver' step: the receiver came back in time. */
  receiverBack?: boolean;
  /** Answer to a 'pick-edge' step: the selector found an edge for the retry. */
  edgeLeft?: boolean;
  /** Answer to an 'await-edge' step: an edge (the failed one included) was online within the grace. */
  edgeBack?: boolean;
}

export type Step =
  /** The record is final. */
  | { kind: 'accept'; record: RecordMessage }
  /** Below the quality gate: run again with a new seed on a newly picked edge. */
  | { kind: 'regenerate' }
  /** Wait for the lost receiver, then call again with `receiverBack`. */
  | { kind: 'await-receiver' }
  /** Ask the edge selector for the retry's edge, then call again with `edgeLeft`. */
  | { kind: 'pick-edge' }
  /**
   * No other edge: after a backoff, wait up to edgeGraceS for an edge (the one that failed
   * included, its exclusion lifted) and pick it; then call again with `edgeBack`.
   */
  | { kind: 'await-edge' }
  /**
   * Another attempt (one more retry). `pickEdge`: choose the edge afresh first (a resend
   * to a returned receiver); a retry after a failure already picked it in 'pick-edge'.
   */
  | { kind: 'retry'; why: 'receiver-back' | 'retryable' | 'edge-back'; pickEdge: boolean }
  /** The request fails with this code and reason. */
  | { kind: 'fail'; code: ErrorCode; reason: string };

/** A step that needs nothing more from the caller's side effects. */
export type SettledStep = Exclude<
  Step,
  { kind: 'await-receiver' } | { kind: 'pick-edge' } | { kind: 'await-edge' }
>;

export function nextStep(outcome: Outcome, s: RetryState): Step {
  if (outcome.kind === 'record') {
    const { record } = outcome;
    const gate = s.qualityGate;
    const c = record.quality.consistency;
    const regenerate =
      gate !== null &&
      !record.failed &&
      c !== null &&
      c < gate.minConsistency &&
      s.regenerations < gate.maxRegenerations &&
      s.beforeDeadline &&
      !s.aborted;
    return regenerate ? { kind: 'regenerate' } : { kind: 'accept', record };
  }

  let reason = outcome.reason;
  const retriesLeft = s.retries < s.maxRetries && !s.aborted;
  if (outcome.receiverLost && retriesLeft) {
    if (s.receiverBack === undefined) return { kind: 'await-receiver' };
    // Its payload was lost with the old connection: the request runs again.
    if (s.receiverBack) return { kind: 'retry', why: 'receiver-back', pickEdge: s.edgeSteps > 0 };
    reason = `${reason}; not back within ${s.receiverGraceS} s (retries.receiverGraceS) or the deadline`;
  }

  const canRetry = outcome.retryable && retriesLeft && s.beforeDeadline;
  if (!canRetry) return { kind: 'fail', code: outcome.code, reason };
  if (s.edgeSteps > 0) {
    if (s.edgeLeft === undefined) return { kind: 'pick-edge' };
    if (!s.edgeLeft) {
      // A transport failure (an outage, a frozen edge) may pass: wait for an edge, this one too.
      if (s.edgeGraceS > 0) {
        if (s.edgeBack === undefined) return { kind: 'await-edge' };
        if (s.edgeBack) return { kind: 'retry', why: 'edge-back', pickEdge: false };
        reason = `${reason}; no edge back within ${s.edgeGraceS} s (retries.edgeGraceS) or the deadline`;
      } else {
        reason = `${reason}; no other edge to retry on`;
      }
      // Nowhere to send it: report the cause (NODE_LOST, TIMEOUT, …), not NO_EDGE.
      return { kind: 'fail', code: outcome.code, reason };
    }
  }
  return { kind: 'retry', why: 'retryable', pickEdge: false };
}
