/**
 * ROOT online (SemAIGC paper, section IV): the simulator-trained D3QN decides a per request
 * from the live state and keeps learning from the measured satisfaction (sim-to-real
 * fine-tuning). The learning is packages/root's `OnlineLearner`; this file maps the live
 * state onto the simulator's, pairs decisions with records, and reads and writes the
 * checkpoint files.
 *
 * State mapping (DecisionContext → the simulator's RequestConditions, then the checkpoint's
 * own feature ranges, so a live state is normalised exactly as in training):
 *   W̄_i = edge.stepMs / 1000 (measured, full share)      ν̄_i = edge.computeShare
 *   W̄_j = the reference device step of the paper profile  ν̄_j = W̄_j / (receiver.stepMs / 1000 / share)
 *   SNR = ctx.snrDb,  B̄ = ctx.bandwidthHz,  L̄_j = latency.minS (Ľ),  L̂ = latency.maxS
 * The receiver's measured effective step time becomes a capability relative to the
 * reference device because the simulator holds W̄_j fixed and varies ν̄_j.
 *
 * Transitions: `decide` remembers (x, a) per request; `observe` pairs it with the record's
 * satisfaction (computed by the receiver from the measured end-to-end latency) and, as x',
 * the most recent decided state (requests overlap in a live trial, so "the next state" is
 * the freshest one known), and hands it to the learner. The learner runs `updatesPerRound`
 * gradient steps every `updateEvery` transitions in the background and the plain-JS forward
 * used by `decide` is swapped for its new weights.
 *
 * At the end of the trial (`finish`) the fine-tuned network is saved as
 * runs/<trial>/root-checkpoint.json, a checkpoint in the training format whose meta names
 * its parent, so the next trial can start from what this one learned.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  OnlineLearner,
  PAPER_PROFILE,
  argmax,
  createForward,
  createRng,
  mixSeed,
  parseCheckpoint,
  toCheckpoint,
  toFeatures,
  type LoadedCheckpoint,
  type RequestConditions,
  type Rng,
} from '@semaigc/root';
import { describeError, type RecordMessage } from '@semaigc/protocol';
import { z } from 'zod';
import { TrialConfigError } from '../errors';
import type { Decision, DecisionContext, PolicyFinishContext, SplitPolicy } from './policy';

export const DEFAULT_ROOT_EPSILON = 0.05;
export const DEFAULT_ROOT_UPDATE_EVERY = 8;
export const DEFAULT_ROOT_UPDATES_PER_ROUND = 4;
export const DEFAULT_ROOT_SEED = 1;
/** File name of the fine-tuned checkpoint in the trial's run directory. */
export const ROOT_FINETUNED_CHECKPOINT = 'root-checkpoint.json';

export const rootPolicySchema = z.strictObject({
  kind: z.literal('root'),
  /** Path of a checkpoint JSON (`semaigc root train --out …`); relative to the working directory. */
  checkpoint: z.string().min(1, 'must be a path to a checkpoint JSON'),
  learn: z.boolean().default(true),
  epsilon: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]').default(DEFAULT_ROOT_EPSILON),
  updateEvery: z.number().int().min(1, 'must be >= 1').default(DEFAULT_ROOT_UPDATE_EVERY),
  updatesPerRound: z.number().int().min(1, 'must be >= 1').default(DEFAULT_ROOT_UPDATES_PER_ROUND),
  seed: z.number().int().default(DEFAULT_ROOT_SEED),
});
export type RootPolicyConfig = z.output<typeof rootPolicySchema>;

/** What the policy has done so far (dashboard, tests). */
export interface RootPolicyStats {
  decisions: number;
  explored: number;
  observed: number;
  transitions: number;
  updates: number;
  lastLoss: number;
  /** Wall ms of the last update round (tfjs, in this process). */
  lastUpdateMs: number;
}

/** Reads and validates the checkpoint; errors name `policy.checkpoint`. */
export function loadRootCheckpoint(file: string): { ckpt: LoadedCheckpoint; id: string } {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw new TrialConfigError('policy.checkpoint', `cannot read ${abs}: ${describeError(err)}`, {
      cause: err,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (err) {
    // JSON.parse's message quotes the text; the file's content must never reach a caller.
    throw new TrialConfigError('policy.checkpoint', `${abs} is not a ROOT checkpoint (not JSON)`, {
      cause: err,
    });
  }
  let ckpt: LoadedCheckpoint;
  try {
    ckpt = parseCheckpoint(json);
  } catch (err) {
    throw new TrialConfigError(
      'policy.checkpoint',
      `${abs} is not a ROOT checkpoint: ${describeError(err)}`,
      {
        cause: err,
      },
    );
  }
  const metaId = ckpt.meta['id'];
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const id = typeof metaId === 'string' && metaId.length > 0 ? metaId : `${ckpt.profile}-${hash}`;
  return { ckpt, id: id.slice(0, 128) };
}

interface Pending {
  obs: Float32Array;
  action: number;
}

export class RootOnlinePolicy implements SplitPolicy {
  readonly name = 'root';
  readonly checkpointId: string;
  private readonly ckpt: LoadedCheckpoint;
  private forward: (x: Float32Array) => Float32Array;
  private readonly rng: Rng;
  private readonly pending = new Map<string, Pending>();
  /** Null with `learn: false`: transitions are counted, nothing learns (and tfjs never loads). */
  private readonly learner: OnlineLearner | null;
  private lastObs: Float32Array | null = null;
  private readonly counters = { decisions: 0, explored: 0, observed: 0, transitions: 0 };

  constructor(private readonly cfg: RootPolicyConfig) {
    const { ckpt, id } = loadRootCheckpoint(cfg.checkpoint);
    this.ckpt = ckpt;
    this.checkpointId = id;
    this.forward = createForward(ckpt.weights);
    this.rng = createRng(cfg.seed);
    this.learner = cfg.learn
      ? new OnlineLearner({
          checkpoint: ckpt,
          cadence: { trainFrequency: cfg.updateEvery },
          updatesPerRound: cfg.updatesPerRound,
          seed: mixSeed(cfg.seed, 1), // replay sampling: its own stream, apart from exploration
          onWeights: (w) => (this.forward = createForward(w)),
        })
      : null;
  }

  stats(): RootPolicyStats {
    const learned = this.learner?.stats();
    return {
      ...this.counters,
      updates: learned?.updates ?? 0,
      lastLoss: learned?.lastLoss ?? Number.NaN,
      lastUpdateMs: learned?.lastUpdateMs ?? Number.NaN,
    };
  }

  /** The simulator's view of the live request (see the file comment for the mapping). */
  conditionsOf(ctx: DecisionContext): RequestConditions {
    const edgeStepS = ctx.edge?.stepMs != null ? ctx.edge.stepMs / 1000 : PAPER_PROFILE.edgeStepS;
    const refDeviceS = PAPER_PROFILE.deviceStepS;
    const rxEffectiveS =
      ctx.receiver.stepMs != null ? ctx.receiver.stepMs / 1000 / ctx.receiver.computeShare : refDeviceS;
    return {
      edgeStepS,
      deviceStepS: refDeviceS,
      snrDb: ctx.snrDb,
      edgeShare: ctx.edge?.computeShare ?? 1,
      deviceCapability: refDeviceS / rxEffectiveS,
      bandwidthHz: ctx.bandwidthHz,
      targetS: ctx.latency.minS,
      limitS: ctx.latency.maxS,
    };
  }

  /** Q(x, ·) for a live context (tests, dashboard). */
  qValues(ctx: DecisionContext): Float32Array {
    return this.forward(toFeatures(this.conditionsOf(ctx), this.ckpt.features)).slice();
  }

  decide(ctx: DecisionContext): Decision {
    this.counters.decisions++;
    if (!ctx.edge) return { edgeSteps: 0, checkpointId: this.checkpointId }; // only Local can be served
    const obs = toFeatures(this.conditionsOf(ctx), this.ckpt.features);
    const explore = this.cfg.epsilon > 0 && this.rng.uniform() < this.cfg.epsilon;
    const action = explore ? this.rng.int(this.ckpt.grid.length) : argmax(this.forward(obs));
    if (explore) this.counters.explored++;
    this.pending.set(ctx.requestId, { obs, action });
    this.lastObs = obs;
    // The grid is in the checkpoint's T̂; a trial with another T̂ gets the same fraction.
    const a = this.ckpt.grid[action]!;
    const scaled = Math.round((a * ctx.totalSteps) / this.ckpt.totalSteps);
    return { edgeSteps: Math.min(ctx.totalSteps, Math.max(0, scaled)), checkpointId: this.checkpointId };
  }

  observe(record: RecordMessage): void {
    this.counters.observed++;
    const p = this.pending.get(record.requestId);
    this.pending.delete(record.requestId);
    if (!p || !this.lastObs) return; // decided without an edge: no action of the network
    this.counters.transitions++;
    this.learner?.add(p.obs, p.action, record.satisfaction, this.lastObs, false);
  }

  /** Resolves when the queued update rounds have run (tests; end of a trial). */
  async settled(): Promise<void> {
    await this.learner?.settled();
  }

  dispose(): void {
    this.learner?.dispose();
  }

  /**
   * Waits for the queued update rounds, saves the fine-tuned network when there was at
   * least one update (a trial that did not learn leaves no copy of its input checkpoint),
   * and disposes the agent. Its id is `<parent>.ft<updates>`, so records of a later trial
   * that starts from it say which generation decided.
   */
  async finish(ctx: PolicyFinishContext): Promise<string[]> {
    try {
      await this.settled();
      const learned = this.learner?.stats();
      if (!this.learner || !learned || learned.updates === 0) return [];
      const file = path.join(ctx.runDir, ROOT_FINETUNED_CHECKPOINT);
      const id = `${this.checkpointId}.ft${learned.updates}`.slice(-128);
      const ckpt = toCheckpoint(this.learner.weights(), {
        ...this.ckpt,
        meta: {
          ...this.ckpt.meta,
          id,
          parent: this.checkpointId,
          fineTunedIn: ctx.trialId,
          onlineUpdates: learned.updates,
          onlineTransitions: this.counters.transitions,
          lastLoss: learned.lastLoss,
          savedAt: new Date().toISOString(),
        },
      });
      await fs.promises.writeFile(file, JSON.stringify(ckpt));
      return [file];
    } finally {
      this.dispose();
    }
  }
}

export function rootPolicy(cfg: RootPolicyConfig): SplitPolicy {
  return new RootOnlinePolicy(cfg);
}
