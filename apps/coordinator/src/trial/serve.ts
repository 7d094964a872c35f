/**
 * One request of a trial, from its decision to its final record:
 *
 *   1. the edge selector picks an edge; policy.decide(context) → a (once per request);
 *   2. attempts (attempt.ts) until the retry rules (retry.ts) accept a record or fail it;
 *   3. a record gets the coordinator's end-to-end time and satisfaction (records.ts); a
 *      request that never produced one gets a failed record with its last cause.
 *
 * Never throws: a policy or coordinator bug becomes an INTERNAL failed record.
 */
import type { SnrProcess } from '@semaigc/channel';
import {
  describeError,
  type ErrorCode,
  makeMessage,
  type RecordMessage,
  type RequestMessage,
} from '@semaigc/protocol';
import { requestChannel, requestStepTime, type TrialConfig } from '../config/trial-config';
import { plannedEdgeSteps } from '../edges/capacity';
import type { EdgeChoice, EdgeSelector } from '../edges/selector';
import {
  checkDecision,
  type Decision,
  type DecisionContext,
  type NodeView,
  type SplitPolicy,
} from '../policies/policy';
import type { NodeEntry } from '../registry/node-registry';
import type { Attempts } from './attempt';
import type { ReceiverWaits } from './await-nodes';
import { regenerationSeed, requestIdFor } from './ids';
import type { TrialEnv } from './links';
import { failOutcome, type Outcome } from './outcome';
import { failedRecord, finalizeRecord } from './records';
import { nextStep, type RetryState, type SettledStep } from './retry';

/** The pause before a retry that waits for an edge (doubling per retry), ms. */
export const EDGE_RETRY_BACKOFF_MS = 1000;

/** What every request of one trial shares. */
export interface ServeContext {
  trialId: string;
  cfg: TrialConfig;
  env: TrialEnv;
  policy: SplitPolicy;
  selector: EdgeSelector;
  attempts: Attempts;
  receiverWaits: ReceiverWaits;
  signal: AbortSignal;
  prompts: readonly string[];
  guidanceScale: number;
  snr: SnrProcess;
  startedAt: number;
}

export interface Served {
  record: RecordMessage;
  /** What the policy saw and decided, for its observe(). */
  context: DecisionContext;
  decision: Decision;
}

const NO_DECISION: Required<Decision> = {
  edgeSteps: 0,
  deliver: 'latent',
  receiverVariant: null,
  checkpointId: null,
};

/** The policy's view of a node; a stated step time (ms, full share) is what its steps will take. */
function view(n: NodeEntry, statedMs: number | null = null): NodeView {
  const measured = n.capabilities.stepMs;
  const share = n.capabilities.computeShare;
  return {
    nodeId: n.nodeId,
    stepMs: statedMs === null || measured === null ? measured : Math.max(measured, statedMs / share),
    computeShare: n.capabilities.computeShare,
    inFlight: n.assigned,
    maxConcurrent: n.capabilities.maxConcurrent,
  };
}

/** Request `index` of the trial, for receiver `receiverId`. */
export async function serveRequest(t: ServeContext, index: number, receiverId: string): Promise<Served> {
  const { cfg, env } = t;
  const { registry, now } = env;
  const requestId = requestIdFor(t.trialId, index);
  const firstAt = now();
  const failAt = firstAt + cfg.latency.failureS * 1000;
  const prompt = t.prompts[index % t.prompts.length]!;
  const seed = cfg.seeds.base + index;
  const snrDb = t.snr.snrDb(index, (firstAt - t.startedAt) / 1000);
  const channel = requestChannel(cfg, snrDb);
  const receiver = registry.get(receiverId)!;

  // Edges that failed this request are not picked for it again.
  const excluded = new Set<string>();
  // The steps the request will hold on its edge: a fixed a or T̂ until the policy decided.
  let plannedSteps = plannedEdgeSteps(cfg);
  const pickEdge = (): EdgeChoice => {
    const online = registry.list({ role: 'edge', online: true });
    return t.selector.select({
      requestId,
      candidates: online.filter((e) => !excluded.has(e.nodeId)),
      excluded,
      steps: plannedSteps,
      stepsInFlight: (id) => registry.stepsInFlight(id),
      online,
    });
  };
  let choice = pickEdge();
  const stepTime = requestStepTime(cfg);
  const context: DecisionContext = {
    trialId: t.trialId,
    requestId,
    index,
    prompt,
    snrDb,
    bandwidthHz: channel.link.bandwidthHz,
    latency: cfg.latency,
    totalSteps: cfg.totalSteps,
    edge: choice.kind === 'edge' ? view(choice.edge, stepTime?.edgeMs ?? null) : null,
    receiver: view(receiver, stepTime?.receiverMs ?? null),
  };
  const base = {
    trialId: t.trialId,
    requestId,
    prompt,
    totalSteps: cfg.totalSteps,
    guidanceScale: t.guidanceScale,
    channel,
    policy: t.policy.name,
    latency: cfg.latency,
    deadline: failAt,
    receiverId,
    replyTo: env.errorSubject,
    computeReference: cfg.computeReference,
    ...(stepTime ? { stepTime } : {}),
  };

  let decision: Required<Decision> | null = null;
  let attempt = 0;
  let retries = 0;
  let regenerations = 0;
  let lastEdgeId: string | null = null;

  /** The failed record of this request, from one description of the failure. */
  const failed = (f: { code: ErrorCode; reason: string; edgeId: string | null }): RecordMessage => {
    const d = decision ?? NO_DECISION;
    const edge = f.edgeId ? registry.get(f.edgeId) : undefined;
    return failedRecord({
      coordinatorId: env.coordinatorId,
      firstDispatchAt: firstAt,
      now: now(),
      retries: attempt,
      edgeCapabilities: edge?.capabilities ?? null,
      request: {
        ...base,
        seed,
        edgeSteps: d.edgeSteps,
        deliver: d.deliver,
        checkpointId: d.checkpointId,
        receiverVariant: d.receiverVariant,
        attempt,
      },
      edgeId: edge ? f.edgeId : null,
      receiverCapabilities: receiver.capabilities,
      code: f.code,
      reason: f.reason,
    });
  };

  /** Runs the retry rules to a step that needs no more facts. */
  const decide = async (outcome: Outcome, edgeSteps: number): Promise<SettledStep> => {
    const facts: Pick<RetryState, 'receiverBack' | 'edgeLeft' | 'edgeBack'> = {};
    for (;;) {
      const step = nextStep(outcome, {
        retries,
        regenerations,
        maxRetries: cfg.retries.max,
        receiverGraceS: cfg.retries.receiverGraceS,
        edgeGraceS: cfg.retries.edgeGraceS,
        qualityGate: cfg.qualityGate,
        edgeSteps,
        beforeDeadline: now() < failAt,
        aborted: t.signal.aborted,
        ...facts,
      });
      if (step.kind === 'await-receiver') {
        // The grace runs from the receiver's last sign of life, so the requests that queue
        // behind a receiver gone for good do not each wait it again.
        const lastSeen = registry.get(receiverId)?.lastSeenAt ?? now();
        const until = Math.min(failAt, lastSeen + cfg.retries.receiverGraceS * 1000);
        facts.receiverBack = await t.receiverWaits.untilOnline(receiverId, until);
      } else if (step.kind === 'pick-edge') {
        choice = pickEdge();
        facts.edgeLeft = choice.kind !== 'none';
      } else if (step.kind === 'await-edge') {
        // Like the receiver's grace, from the edges' last sign of life; the backoff keeps a
        // request from hammering an edge that just failed it in transit.
        const seen = registry.list({ role: 'edge' }).map((e) => e.lastSeenAt);
        const from = seen.length > 0 ? Math.max(...seen) : now();
        const until = Math.min(failAt, from + cfg.retries.edgeGraceS * 1000);
        const backoffMs = EDGE_RETRY_BACKOFF_MS * 2 ** retries;
        facts.edgeBack = await t.receiverWaits.edgeAfter(backoffMs, until);
        if (facts.edgeBack) {
          excluded.clear(); // the edge that failed in transit may serve it now
          choice = pickEdge();
          facts.edgeBack = choice.kind !== 'none';
        }
      } else {
        return step;
      }
    }
  };

  let record: RecordMessage;
  try {
    decision = checkDecision(
      await t.policy.decide(context),
      cfg.totalSteps,
      t.policy.name,
      cfg.receiverVariant,
    );
    plannedSteps = decision.edgeSteps;
    for (;;) {
      const request = makeMessage('request', {
        ...base,
        seed: regenerationSeed(seed, regenerations),
        edgeSteps: decision.edgeSteps,
        deliver: decision.deliver,
        receiverVariant: decision.receiverVariant,
        checkpointId: decision.checkpointId,
        edgeId: null,
        createdAt: now(),
        attempt,
      }) as RequestMessage;
      let outcome = t.signal.aborted
        ? failOutcome('CANCELLED', 'trial aborted', { retryable: false })
        : await t.attempts.send(request, choice, failAt);
      if (outcome.kind === 'record') {
        lastEdgeId = outcome.record.edgeId;
        outcome = { kind: 'record', record: finalize(t, outcome.record, firstAt, attempt) };
      } else {
        if (outcome.edgeId) excluded.add(outcome.edgeId);
        lastEdgeId = outcome.edgeId ?? lastEdgeId;
      }
      const step = await decide(outcome, decision.edgeSteps);
      if (step.kind === 'accept') {
        record = step.record;
        break;
      }
      if (step.kind === 'fail') {
        record = failed({ code: step.code, reason: step.reason, edgeId: lastEdgeId });
        break;
      }
      if (step.kind === 'regenerate') {
        regenerations += 1;
        choice = pickEdge();
      } else {
        const why = outcome.kind === 'fail' ? { code: outcome.code, reason: outcome.reason } : {};
        env.logger.info(
          { requestId, receiverId, attempt, ...why },
          step.why === 'receiver-back'
            ? 'receiver is back, sending the request again'
            : step.why === 'edge-back'
              ? 'an edge is back, sending the request again'
              : 'retrying request',
        );
        retries += 1;
        if (step.pickEdge) choice = pickEdge();
      }
      attempt += 1;
    }
  } catch (err) {
    env.logger.error({ requestId, err }, 'request failed inside the coordinator');
    record = failed({ code: 'INTERNAL', reason: describeError(err), edgeId: null });
  }
  const inputs = t.policy.inputsOf?.(requestId);
  if (inputs) record = { ...record, policyInputs: inputs };
  return { record, context, decision: decision ?? { edgeSteps: 0 } };
}

function finalize(t: ServeContext, record: RecordMessage, firstAt: number, attempt: number): RecordMessage {
  const edge = record.edgeId ? t.env.registry.get(record.edgeId) : undefined;
  return finalizeRecord(record, {
    coordinatorId: t.env.coordinatorId,
    firstDispatchAt: firstAt,
    now: t.env.now(),
    retries: attempt,
    edgeCapabilities: edge?.capabilities ?? null,
  });
}
