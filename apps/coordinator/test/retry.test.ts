/**
 * The retry rules (src/trial/retry.ts), one row per branch: what the last attempt came to,
 * where the request stands, and the step that must follow. nextStep is pure, so the table
 * is the whole specification; trial.test.ts runs the same rules end to end over NATS.
 */
import type { RecordMessage } from '@semaigc/protocol';
import { failOutcome, type Outcome } from '../src/trial/outcome';
import { nextStep, type RetryState, type Step } from '../src/trial/retry';
import { caps, recordFor, sampleRequest } from './helpers';

function record(consistency: number | null, failed = false): RecordMessage {
  const r = recordFor(sampleRequest(), 'rx-1', caps(), 'edge-1', 0.5);
  return {
    ...r,
    quality: { ...r.quality, consistency },
    failed,
    failure: failed ? { code: 'DEADLINE_EXCEEDED', reason: 'over the limit' } : null,
  } as RecordMessage;
}

const STATE: RetryState = {
  retries: 0,
  regenerations: 0,
  maxRetries: 1,
  receiverGraceS: 10,
  edgeGraceS: 0,
  qualityGate: null,
  edgeSteps: 10,
  beforeDeadline: true,
  aborted: false,
};
const GATE = { minConsistency: 0.5, maxRegenerations: 2 };

const low = record(0.2);
const high = record(0.9);
const lowFailed = record(0.2, true);
const noScore = record(null);
const timeout = failOutcome('TIMEOUT', 'no record within 300 ms (attempt 0)', { edgeId: 'edge-1' });
const edgeLost = failOutcome('NODE_LOST', 'edge edge-1 went offline (bye)', {
  edgeId: 'edge-1',
  retryable: true,
});
const receiverLost = failOutcome('NODE_LOST', 'receiver rx-1 went offline (bye)', {
  retryable: false,
  receiverLost: true,
});
// Not produced by attempt.ts today, but the rules must still fall through correctly.
const receiverLostRetryable = { ...receiverLost, retryable: true };
const noEdge = failOutcome('NO_EDGE', 'no edge online', { retryable: false });
// What attempt.ts reports when the selector found no edge to send the attempt to.
const noEdgeRetryable = failOutcome('NO_EDGE', 'no edge online', { retryable: true });
const cancelled = failOutcome('CANCELLED', 'trial aborted', { retryable: false });

const NOT_BACK = '; not back within 10 s (retries.receiverGraceS) or the deadline';

const rows: [what: string, outcome: Outcome, state: Partial<RetryState>, want: Step][] = [
  // records and the quality gate
  [
    'a record without a gate is accepted',
    { kind: 'record', record: low },
    {},
    { kind: 'accept', record: low },
  ],
  [
    'below the gate with regenerations and time left: regenerate',
    { kind: 'record', record: low },
    { qualityGate: GATE },
    { kind: 'regenerate' },
  ],
  [
    'at or above the gate: accept',
    { kind: 'record', record: high },
    { qualityGate: GATE },
    { kind: 'accept', record: high },
  ],
  [
    'below the gate, regenerations used up: accept',
    { kind: 'record', record: low },
    { qualityGate: GATE, regenerations: 2 },
    { kind: 'accept', record: low },
  ],
  [
    'below the gate after the deadline: accept',
    { kind: 'record', record: low },
    { qualityGate: GATE, beforeDeadline: false },
    { kind: 'accept', record: low },
  ],
  [
    'below the gate in an aborted trial: accept',
    { kind: 'record', record: low },
    { qualityGate: GATE, aborted: true },
    { kind: 'accept', record: low },
  ],
  [
    'a failed record is never regenerated',
    { kind: 'record', record: lowFailed },
    { qualityGate: GATE },
    { kind: 'accept', record: lowFailed },
  ],
  [
    'a record without a consistency score is accepted',
    { kind: 'record', record: noScore },
    { qualityGate: GATE },
    { kind: 'accept', record: noScore },
  ],
  // a lost receiver
  ['receiver lost, retries left: wait for it', receiverLost, {}, { kind: 'await-receiver' }],
  [
    'receiver back, a ≥ 1: send again on a newly picked edge',
    receiverLost,
    { receiverBack: true },
    { kind: 'retry', why: 'receiver-back', pickEdge: true },
  ],
  [
    'receiver back, a = 0: send again, no edge needed',
    receiverLost,
    { receiverBack: true, edgeSteps: 0 },
    { kind: 'retry', why: 'receiver-back', pickEdge: false },
  ],
  [
    'receiver back after the deadline still gets its resend (the wait was capped by it)',
    receiverLost,
    { receiverBack: true, beforeDeadline: false },
    { kind: 'retry', why: 'receiver-back', pickEdge: true },
  ],
  [
    'receiver not back: fail, saying how long it was given',
    receiverLost,
    { receiverBack: false },
    { kind: 'fail', code: 'NODE_LOST', reason: receiverLost.reason + NOT_BACK },
  ],
  [
    'receiver lost, no retries left: fail at once',
    receiverLost,
    { retries: 1 },
    { kind: 'fail', code: 'NODE_LOST', reason: receiverLost.reason },
  ],
  [
    'receiver lost in an aborted trial: fail at once',
    receiverLost,
    { aborted: true },
    { kind: 'fail', code: 'NODE_LOST', reason: receiverLost.reason },
  ],
  [
    'receiver not back but the failure is retryable: on to the edge question',
    receiverLostRetryable,
    { receiverBack: false },
    { kind: 'pick-edge' },
  ],
  [
    'receiver not back, retryable, no edge left: both causes in the reason',
    receiverLostRetryable,
    { receiverBack: false, edgeLeft: false },
    {
      kind: 'fail',
      code: 'NODE_LOST',
      reason: receiverLost.reason + NOT_BACK + '; no other edge to retry on',
    },
  ],
  // retryable failures
  ['retryable, a ≥ 1: ask for another edge first', timeout, {}, { kind: 'pick-edge' }],
  [
    'retryable, another edge found: retry on it',
    edgeLost,
    { edgeLeft: true },
    { kind: 'retry', why: 'retryable', pickEdge: false },
  ],
  [
    'retryable, no edge left: fail with the cause, not NO_EDGE',
    edgeLost,
    { edgeLeft: false },
    { kind: 'fail', code: 'NODE_LOST', reason: edgeLost.reason + '; no other edge to retry on' },
  ],
  [
    'retryable, a = 0: retry without asking for an edge',
    timeout,
    { edgeSteps: 0 },
    { kind: 'retry', why: 'retryable', pickEdge: false },
  ],
  [
    'retryable, retries used up: fail',
    timeout,
    { retries: 1 },
    { kind: 'fail', code: 'TIMEOUT', reason: timeout.reason },
  ],
  [
    'retryable after the deadline: fail',
    timeout,
    { beforeDeadline: false },
    { kind: 'fail', code: 'TIMEOUT', reason: timeout.reason },
  ],
  [
    'retryable in an aborted trial: fail',
    timeout,
    { aborted: true },
    { kind: 'fail', code: 'TIMEOUT', reason: timeout.reason },
  ],
  // an edge that failed in transit, none other left, with retries.edgeGraceS
  [
    'no other edge, a grace: wait for an edge (the same one included)',
    timeout,
    { edgeLeft: false, edgeGraceS: 10 },
    { kind: 'await-edge' },
  ],
  [
    'an edge back within the grace: retry on it (already picked)',
    timeout,
    { edgeLeft: false, edgeGraceS: 10, edgeBack: true },
    { kind: 'retry', why: 'edge-back', pickEdge: false },
  ],
  [
    'no edge back within the grace: fail with the cause, saying how long it was given',
    edgeLost,
    { edgeLeft: false, edgeGraceS: 10, edgeBack: false },
    {
      kind: 'fail',
      code: 'NODE_LOST',
      reason: edgeLost.reason + '; no edge back within 10 s (retries.edgeGraceS) or the deadline',
    },
  ],
  [
    'no edge to send it to at all, a grace: wait for one',
    noEdgeRetryable,
    { edgeLeft: false, edgeGraceS: 10 },
    { kind: 'await-edge' },
  ],
  [
    'another edge found: no wait, whatever the grace',
    timeout,
    { edgeLeft: true, edgeGraceS: 10 },
    { kind: 'retry', why: 'retryable', pickEdge: false },
  ],
  [
    'a grace but retries used up: fail at once',
    timeout,
    { retries: 1, edgeGraceS: 10 },
    { kind: 'fail', code: 'TIMEOUT', reason: timeout.reason },
  ],
  [
    'a grace but after the deadline: fail at once',
    timeout,
    { beforeDeadline: false, edgeGraceS: 10 },
    { kind: 'fail', code: 'TIMEOUT', reason: timeout.reason },
  ],
  [
    'a grace, a = 0: no edge is needed, retry',
    timeout,
    { edgeSteps: 0, edgeGraceS: 10 },
    { kind: 'retry', why: 'retryable', pickEdge: false },
  ],
  // failures that are not retried
  ['not retryable: fail with its code', noEdge, {}, { kind: 'fail', code: 'NO_EDGE', reason: noEdge.reason }],
  [
    'cancelled: fail even with retries left',
    cancelled,
    { maxRetries: 5 },
    { kind: 'fail', code: 'CANCELLED', reason: cancelled.reason },
  ],
];

test.each(rows)('%s', (_what, outcome, state, want) => {
  expect(nextStep(outcome, { ...STATE, ...state })).toEqual(want);
});

test('a fact about the receiver does not matter to a failure that did not lose it', () => {
  expect(nextStep(timeout, { ...STATE, receiverBack: true })).toEqual({ kind: 'pick-edge' });
  expect(nextStep(timeout, { ...STATE, receiverBack: false, edgeLeft: true })).toEqual({
    kind: 'retry',
    why: 'retryable',
    pickEdge: false,
  });
});

test('failOutcome takes the registry default for retryable unless told', () => {
  expect(failOutcome('TIMEOUT', 'x').retryable).toBe(true);
  expect(failOutcome('CANCELLED', 'x').retryable).toBe(false);
  expect(failOutcome('TIMEOUT', 'x', { retryable: false })).toEqual({
    kind: 'fail',
    code: 'TIMEOUT',
    reason: 'x',
    retryable: false,
    edgeId: null,
    receiverLost: false,
  });
});
