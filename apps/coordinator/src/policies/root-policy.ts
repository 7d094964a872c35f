/**
 * ROOT online (SemAIGC paper, section IV): the simulator-trained D3QN decides a per request
 * from the live state and keeps learning from the measured satisfaction (sim-to-real
 * fine-tuning). The learning is packages/root's `OnlineLearner`; this file pairs decisions
 * with records and reads and writes the checkpoint files.
 *
 * State mapping (root-features.ts): the lab's times are put on the training profile's time
 * scale (κ = training edge step / the lab edge's step), normalised with the checkpoint's own
 * feature ranges and clipped into them; the inputs that were out of range are counted per
 * feature (`stats().clipped`, `root-inputs.json` at the end of the trial) and named in each
 * record's `policyInputs`, with the state the network saw and κ.
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
  argmax,
  createForward,
  createRng,
  mixSeed,
  parseCheckpoint,
  toCheckpoint,
  type LoadedCheckpoint,
  type RequestConditions,
  type Rng,
} from '@semaigc/root';
import { describeError, type PolicyInputs, type RecordMessage } from '@semaigc/protocol';
import { z } from 'zod';
import { TrialConfigError } from '../errors';
import type { Decision, DecisionContext, PolicyFinishContext, SplitPolicy } from './policy';
import {
  DEFAULT_LAB_LATENT_BITS,
  PAPER_REFERENCE,
  mapLiveState,
  trainingConditions,
  type TrainingReference,
} from './root-features';

export const DEFAULT_ROOT_EPSILON = 0.05;
export const DEFAULT_ROOT_UPDATE_EVERY = 8;
export const DEFAULT_ROOT_UPDATES_PER_ROUND = 4;
export const DEFAULT_ROOT_SEED = 1;
/** File name of the fine-tuned checkpoint in the trial's run directory. */
export const ROOT_FINETUNED_CHECKPOINT = 'root-checkpoint.json';
/** File name of the out-of-range input counts in the trial's run directory. */
export const ROOT_INPUTS_FILE = 'root-inputs.json';

const positive = z.number().positive('must be > 0');

export const rootPolicySchema = z.strictObject({
  kind: z.literal('root'),
  /** Path of a checkpoint JSON (`semaigc root train --out …`); relative to the working directory. */
  checkpoint: z.string().min(1, 'must be a path to a checkpoint JSON'),
  learn: z.boolean().default(true),
  epsilon: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]').default(DEFAULT_ROOT_EPSILON),
  updateEvery: z.number().int().min(1, 'must be >= 1').default(DEFAULT_ROOT_UPDATE_EVERY),
  updatesPerRound: z.number().int().min(1, 'must be >= 1').default(DEFAULT_ROOT_UPDATES_PER_ROUND),
  seed: z.number().int().default(DEFAULT_ROOT_SEED),
  /**
   * The training profile's edge step, reference device step (s) and latent bits, which set
   * the time scale of the mapping; default the paper profile's (0.2 s, 0.368 s, 131 072).
   */
  reference: z
    .strictObject({ edgeStepS: positive, deviceStepS: positive, latentBits: positive })
    .default(PAPER_REFERENCE),
  /** Bits of this lab's latent on the link (default: the default bundle's 4×8×8 float32). */
  labLatentBits: positive.default(DEFAULT_LAB_LATENT_BITS),
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
  /** Decisions whose state had at least one input outside the training range. */
  outOfRange: number;
  /** Per feature: decisions where it was outside the training range (and clipped). */
  clipped: Record<string, number>;
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
  inputs: PolicyInputs;
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
  private readonly counters = { decisions: 0, explored: 0, observed: 0, transitions: 0, outOfRange: 0 };
  private readonly clipped: Record<string, number> = {};
  private readonly reference: TrainingReference;

  constructor(private readonly cfg: RootPolicyConfig) {
    const { ckpt, id } = loadRootCheckpoint(cfg.checkpoint);
    this.ckpt = ckpt;
    this.checkpointId = id;
    this.forward = createForward(ckpt.weights);
    this.reference = cfg.reference;
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
      clipped: { ...this.clipped },
    };
  }

  /** The simulator's view of the live request, in training units, before clipping (root-features.ts). */
  conditionsOf(ctx: DecisionContext): RequestConditions {
    return trainingConditions(ctx, this.reference, this.cfg.labLatentBits).conditions;
  }

  /** Q(x, ·) for a live context (tests, dashboard): the clipped state, as `decide` sees it. */
  qValues(ctx: DecisionContext): Float32Array {
    return this.forward(this.map(ctx).obs).slice();
  }

  private map(ctx: DecisionContext): ReturnType<typeof mapLiveState> {
    return mapLiveState(ctx, this.ckpt.features, this.reference, this.cfg.labLatentBits);
  }

  decide(ctx: DecisionContext): Decision {
    this.counters.decisions++;
    if (!ctx.edge) return { edgeSteps: 0, checkpointId: this.checkpointId }; // only Local can be served
    const { obs, clipped, timeScale } = this.map(ctx);
    if (clipped.length > 0) this.counters.outOfRange++;
    for (const key of clipped) this.clipped[key] = (this.clipped[key] ?? 0) + 1;
    const explore = this.cfg.epsilon > 0 && this.rng.uniform() < this.cfg.epsilon;
    const action = explore ? this.rng.int(this.ckpt.grid.length) : argmax(this.forward(obs));
    if (explore) this.counters.explored++;
    const inputs: PolicyInputs = { features: Array.from(obs), clipped, timeScale };
    this.pending.set(ctx.requestId, { obs, action, inputs });
    this.lastObs = obs;
    // The grid is in the checkpoint's T̂; a trial with another T̂ gets the same fraction.
    const a = this.ckpt.grid[action]!;
    const scaled = Math.round((a * ctx.totalSteps) / this.ckpt.totalSteps);
    return { edgeSteps: Math.min(ctx.totalSteps, Math.max(0, scaled)), checkpointId: this.checkpointId };
  }

  /** What the network saw for a request it decided (for its record); undefined otherwise. */
  inputsOf(requestId: string): PolicyInputs | undefined {
    return this.pending.get(requestId)?.inputs;
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
      const inputsFile = path.join(ctx.runDir, ROOT_INPUTS_FILE);
      await fs.promises.writeFile(
        inputsFile,
        JSON.stringify(
          {
            decisions: this.counters.decisions,
            outOfRange: this.counters.outOfRange,
            clipped: this.clipped,
            features: this.ckpt.features,
            reference: this.reference,
          },
          null,
          2,
        ) + '\n',
      );
      const learned = this.learner?.stats();
      if (!this.learner || !learned || learned.updates === 0) return [inputsFile];
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
      return [inputsFile, file];
    } finally {
      this.dispose();
    }
  }
}

export function rootPolicy(cfg: RootPolicyConfig): SplitPolicy {
  return new RootOnlinePolicy(cfg);
}
