/**
 * ROOT as a split policy: the trained dueling network, evaluated greedily in plain
 * JavaScript (no tensors, ~0.05 ms per decision), behind the `SplitPolicy` interface.
 *
 * `observe` turns what happened into transitions for online learning (sim-to-real): each
 * decision's (x, a) waits for its reward (satisfaction with the observed latency), and for
 * the next decision's state x', then goes to the `sink` (an `OnlineLearner`, or a bare
 * ReplayBuffer). `endSession()` closes the last one as terminal. Without a sink, observe
 * does nothing. `setWeights` swaps in what the learner learned.
 */
import { satisfaction } from '@semaigc/metrics';
import { argmax, createForward, forwardJs, type QNetworkWeights } from '../d3qn/network';
import type { LoadedCheckpoint } from '../d3qn/checkpoint';
import type { RequestConditions } from '../sim/conditions';
import { toFeatures, type FeatureRange } from '../sim/features';
import type { Decision } from '../sim/latency-model';
import type { SplitPolicy } from './policy';

/** Where observed transitions go (ReplayBuffer implements it). */
export interface TransitionSink {
  add(obs: Float32Array, action: number, reward: number, nextObs: Float32Array, terminated: boolean): void;
}

interface Pending {
  obs: Float32Array;
  action: number;
  reward: number;
}

export class D3qnPolicy implements SplitPolicy {
  readonly name: string;
  private readonly sink: TransitionSink | null;
  private forward: (x: Float32Array) => Float32Array;
  private readonly obs: Float32Array;
  private pending: Pending | null = null;
  private lastObs: Float32Array | null = null;

  constructor(
    private weights: QNetworkWeights,
    readonly grid: readonly number[],
    readonly features: readonly FeatureRange[],
    options: { name?: string; sink?: TransitionSink } = {},
  ) {
    checkActions(weights, grid);
    this.name = options.name ?? 'root';
    this.sink = options.sink ?? null;
    this.forward = createForward(weights);
    this.obs = new Float32Array(features.length);
  }

  /** Decide with these weights from now on (an OnlineLearner's `onWeights`). */
  setWeights(weights: QNetworkWeights): void {
    checkActions(weights, this.grid);
    this.weights = weights;
    this.forward = createForward(weights);
  }

  static fromCheckpoint(
    ckpt: LoadedCheckpoint,
    options: { name?: string; sink?: TransitionSink } = {},
  ): D3qnPolicy {
    return new D3qnPolicy(ckpt.weights, ckpt.grid, ckpt.features, options);
  }

  /** Q(x, ·) for the request's state. */
  qValues(state: RequestConditions): Float32Array {
    return forwardJs(this.weights, toFeatures(state, this.features));
  }

  decide(state: RequestConditions): Decision {
    if (!this.sink) {
      // The fast path: no allocation per decision.
      const action = argmax(this.forward(toFeatures(state, this.features, this.obs)));
      return { scheme: 'split', edgeSteps: this.grid[action]! };
    }
    const obs = toFeatures(state, this.features);
    this.flush(obs, false);
    const action = argmax(this.forward(obs));
    this.lastObs = obs;
    return { scheme: 'split', edgeSteps: this.grid[action]! };
  }

  observe(state: RequestConditions, decision: Decision, latencyS: number): void {
    if (!this.sink || !this.lastObs) return;
    const action = decision.scheme === 'split' ? this.grid.indexOf(decision.edgeSteps) : -1;
    if (action < 0) return; // not an action of this network: nothing to learn from
    const reward = satisfaction(latencyS, { targetS: state.targetS, limitS: state.limitS });
    this.pending = { obs: this.lastObs, action, reward };
  }

  /** The session ended: the last observed transition is terminal. */
  endSession(): void {
    if (this.lastObs) this.flush(this.lastObs, true);
    this.lastObs = null;
  }

  private flush(nextObs: Float32Array, terminated: boolean): void {
    const p = this.pending;
    if (this.sink && p) this.sink.add(p.obs, p.action, p.reward, nextObs, terminated);
    this.pending = null;
  }
}

function checkActions(weights: QNetworkWeights, grid: readonly number[]): void {
  if (weights.advantage.outputs !== grid.length) {
    throw new TypeError(
      `D3qnPolicy: the network has ${weights.advantage.outputs} actions, the grid ${grid.length}`,
    );
  }
}
