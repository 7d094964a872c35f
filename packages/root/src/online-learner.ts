/**
 * ROOT's online learning (sim-to-real fine-tuning): a trained agent keeps learning from
 * served requests. The learner is a `TransitionSink`: whoever pairs a decision with its
 * reward (`D3qnPolicy` in the simulator, the coordinator's live policy) hands it
 * (x, a, r, x', terminated); the learner stores it in a replay buffer and, on the cadence
 * `trainD3qn` uses (d3qn/cadence.ts), runs gradient steps and target updates on a tfjs
 * `D3qnAgent` started from the checkpoint.
 *
 * Transitions arrive synchronously while requests are served; the learning runs in the
 * background, one round after another, so deciding never waits for tfjs. The tfjs backend
 * is made ready on the first round (`prepare`), so a learner that never learns never
 * loads one. After each round the new weights go to `onWeights` (a policy swaps its
 * plain-JS forward pass for them).
 *
 * Two settings differ from simulator training, both because the network is trained
 * already: learning starts as soon as the buffer holds one minibatch (no ε = 1 warm-up),
 * and a round may run several gradient steps (`updatesPerRound`) so a live process pays
 * the tfjs overhead less often.
 */
import { D3qnAgent } from './d3qn/agent';
import { cadenceAt, type CadenceStep, type LearnCadence } from './d3qn/cadence';
import type { LoadedCheckpoint } from './d3qn/checkpoint';
import { cloneQNetwork, type QNetworkWeights } from './d3qn/network';
import { ReplayBuffer } from './d3qn/replay-buffer';
import type { TransitionSink } from './policies/d3qn-policy';
import { createRng, type Rng } from './rng';
import { initTensorflow } from './tf-setup';

export interface OnlineLearnerOptions {
  /** The agent to fine-tune: weights, hyperparameters, feature ranges and action grid. */
  checkpoint: LoadedCheckpoint;
  /**
   * Overrides of the checkpoint's cadence. Default: its trainFrequency and
   * targetUpdateFrequency, and learningStarts = batchSize − 1 (learn once a minibatch is stored).
   */
  cadence?: Partial<LearnCadence>;
  /** Gradient steps per learning round (default 1, as in `trainD3qn`). */
  updatesPerRound?: number;
  /** Seed of the replay sampling (default 1). */
  seed?: number;
  /** Makes a tfjs backend ready before the first round (default: `initTensorflow('wasm')`). */
  prepare?: () => Promise<unknown>;
  /** Called with the online network's weights after every learning round. */
  onWeights?: (weights: QNetworkWeights) => void;
}

export interface OnlineLearnerStats {
  transitions: number;
  /** Gradient steps taken. */
  updates: number;
  targetUpdates: number;
  /** Loss of the last gradient step (NaN before the first). */
  lastLoss: number;
  /** Wall ms of the last learning round. */
  lastUpdateMs: number;
  /** What the last failed round threw (null: none failed); the learner keeps going. */
  lastError: unknown;
}

export class OnlineLearner implements TransitionSink {
  readonly cadence: LearnCadence;
  readonly updatesPerRound: number;
  private readonly ckpt: LoadedCheckpoint;
  private readonly buffer: ReplayBuffer;
  private readonly rng: Rng;
  private readonly prepare: () => Promise<unknown>;
  private readonly onWeights: ((weights: QNetworkWeights) => void) | undefined;
  private agent: D3qnAgent | null = null;
  private current: QNetworkWeights;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly counters: OnlineLearnerStats = {
    transitions: 0,
    updates: 0,
    targetUpdates: 0,
    lastLoss: Number.NaN,
    lastUpdateMs: Number.NaN,
    lastError: null,
  };

  constructor(options: OnlineLearnerOptions) {
    const { checkpoint } = options;
    const { config } = checkpoint;
    this.ckpt = checkpoint;
    this.cadence = {
      learningStarts: config.batchSize - 1,
      trainFrequency: config.trainFrequency,
      targetUpdateFrequency: config.targetUpdateFrequency,
      ...options.cadence,
    };
    for (const [k, min] of [
      ['learningStarts', 0],
      ['trainFrequency', 1],
      ['targetUpdateFrequency', 1],
    ] as const) {
      const v = this.cadence[k];
      if (!Number.isInteger(v) || v < min)
        throw new TypeError(`OnlineLearner: cadence.${k} must be an integer >= ${min}, got ${v}`);
    }
    this.updatesPerRound = options.updatesPerRound ?? 1;
    if (!Number.isInteger(this.updatesPerRound) || this.updatesPerRound < 1)
      throw new TypeError(
        `OnlineLearner: updatesPerRound must be an integer >= 1, got ${this.updatesPerRound}`,
      );
    this.buffer = new ReplayBuffer(config.bufferSize, checkpoint.features.length);
    this.rng = createRng(options.seed ?? 1);
    this.prepare = options.prepare ?? (() => initTensorflow('wasm'));
    this.onWeights = options.onWeights;
    this.current = cloneQNetwork(checkpoint.weights);
  }

  /** Stores a transition; schedules a learning round or target update when the cadence says so. */
  add(obs: Float32Array, action: number, reward: number, nextObs: Float32Array, terminated: boolean): void {
    if (this.disposed) throw new TypeError('OnlineLearner: used after dispose()');
    if (!Number.isInteger(action) || action < 0 || action >= this.ckpt.grid.length) {
      throw new TypeError(
        `OnlineLearner.add: action must be an index into the ${this.ckpt.grid.length}-action grid, got ${action}`,
      );
    }
    this.buffer.add(obs, action, reward, nextObs, terminated);
    const due = cadenceAt(this.cadence, ++this.counters.transitions);
    if (!due.learn && !due.updateTarget) return;
    this.queue = this.queue
      .then(() => this.round(due))
      .catch((err: unknown) => {
        this.counters.lastError = err;
      });
  }

  /** Resolves when every scheduled round has run. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** The online network's weights now (the checkpoint's until the first round). */
  weights(): QNetworkWeights {
    return cloneQNetwork(this.current);
  }

  stats(): OnlineLearnerStats {
    return { ...this.counters };
  }

  /** Frees the tfjs agent; call after `settled()`. */
  dispose(): void {
    this.disposed = true;
    this.agent?.dispose();
    this.agent = null;
  }

  private async round(due: CadenceStep): Promise<void> {
    const t0 = performance.now();
    const agent = await this.agentReady();
    if (!agent) return;
    if (due.learn) {
      for (let i = 0; i < this.updatesPerRound; i++) {
        this.counters.lastLoss = agent.learn(this.buffer.sample(this.ckpt.config.batchSize, this.rng));
        this.counters.updates++;
      }
    }
    if (due.updateTarget) {
      agent.updateTarget();
      this.counters.targetUpdates++;
    }
    if (due.learn) {
      this.current = agent.weights();
      this.counters.lastUpdateMs = performance.now() - t0;
      this.onWeights?.(cloneQNetwork(this.current));
    }
  }

  /** The tfjs agent, created on first use; null once disposed (queued rounds then do nothing). */
  private async agentReady(): Promise<D3qnAgent | null> {
    if (!this.agent && !this.disposed) {
      await this.prepare();
      if (this.disposed) return null;
      const { features, grid, config, weights } = this.ckpt;
      this.agent = new D3qnAgent(features.length, grid.length, config, weights);
    }
    return this.agent;
  }
}
