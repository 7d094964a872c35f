/**
 * The split-policy plug-in point of the live testbed: whatever picks a (the edge's share
 * of the T̂ denoising steps) for a request is a `SplitPolicy`. The coordinator calls
 * `decide` once per request (before the first attempt; retries and regenerations keep
 * the decision) and `observe` with the final record, so an online learner (ROOT) can turn
 * (context, decision, satisfaction) into a transition. packages/root's `SplitPolicy`
 * speaks `RequestConditions`; an adapter maps a `DecisionContext` onto it (README).
 */
import type { LatencyRequirement, PolicyInputs, RecordMessage } from '@semaigc/protocol';

/** What the coordinator knows of a node when it decides. */
export interface NodeView {
  nodeId: string;
  /** Measured ms per denoising step (latest heartbeat or hello); null until measured. */
  stepMs: number | null;
  /** PACR share p ∈ (0, 1]: a step takes stepMs/p. */
  computeShare: number;
  /** Requests the coordinator has sent it that have not finished. */
  inFlight: number;
  maxConcurrent: number;
}

export interface DecisionContext {
  trialId: string;
  requestId: string;
  /** 0-based request index in the trial (also the SNR process index). */
  index: number;
  prompt: string;
  /** This request's SNR (dB) from the trial's SNR process. */
  snrDb: number;
  /** Link bandwidth B (Hz) of the trial's channel. */
  bandwidthHz: number;
  latency: LatencyRequirement;
  /** T̂. */
  totalSteps: number;
  /** The edge the selector chose; null when no edge is online (only a = 0 can be served). */
  edge: NodeView | null;
  receiver: NodeView;
}

export interface Decision {
  /** a ∈ [0, T̂]; 0 = Local AIGC (the receiver runs every step). */
  edgeSteps: number;
  /** 'image' = Edge AIGC (needs a = T̂): the edge decodes and sends pixels. Default 'latent'. */
  deliver?: 'latent' | 'image';
  /** Receiver variant for this request; undefined: the trial's `receiverVariant`; null: none. */
  receiverVariant?: string | null;
  /** Which trained agent decided (ROOT checkpoint id), for the record. */
  checkpointId?: string | null;
}

/** What a policy gets when its trial ends. */
export interface PolicyFinishContext {
  trialId: string;
  /** The trial's run directory (runs/<trial>/): where a learner saves what it learned. */
  runDir: string;
}

export interface SplitPolicy {
  /** Goes into the request's and record's `policy` field (a-z 0-9 . _ -). */
  readonly name: string;
  decide(ctx: DecisionContext): Decision | Promise<Decision>;
  /** Called with each request's final record (failed ones too: satisfaction 0). */
  observe?(record: RecordMessage, ctx: DecisionContext, decision: Decision): void;
  /**
   * Called once after the trial's last record, before its summary is written: an online
   * learner waits for its pending updates, saves its state into `runDir` and frees what it
   * holds (a policy instance lives for one trial). Returns the paths it wrote; they are
   * listed in the summary's `files.policy`. A throw is logged and the trial still ends.
   */
  finish?(ctx: PolicyFinishContext): Promise<string[]>;
  /**
   * What a learned policy fed its network for this request (its state, the inputs clipped
   * into the training range), copied into the request's record as `policyInputs`. Asked
   * once per request, after its final record and before `observe`.
   */
  inputsOf?(requestId: string): PolicyInputs | undefined;
}

/** Checks a decision against T̂; a policy bug becomes a failed record, not a crash. */
export function checkDecision(
  d: Decision,
  totalSteps: number,
  policy: string,
  defaultVariant: string | null = null,
): Required<Decision> {
  if (!Number.isInteger(d.edgeSteps) || d.edgeSteps < 0 || d.edgeSteps > totalSteps) {
    throw new TypeError(
      `policy ${policy}: edgeSteps must be an integer in [0, ${totalSteps}], got ${String(d.edgeSteps)}`,
    );
  }
  const deliver = d.deliver ?? 'latent';
  if (deliver === 'image' && d.edgeSteps !== totalSteps) {
    throw new TypeError(`policy ${policy}: deliver 'image' needs edgeSteps = totalSteps (${totalSteps})`);
  }
  return {
    edgeSteps: d.edgeSteps,
    deliver,
    // undefined → the trial's variant; null → none (Edge AIGC: the receiver runs no steps).
    receiverVariant: d.receiverVariant === undefined ? defaultVariant : d.receiverVariant,
    checkpointId: d.checkpointId ?? null,
  };
}
