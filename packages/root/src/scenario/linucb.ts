/**
 * A contextual bandit over the same features as ROOT: LinUCB with one linear model per
 * action (Li et al., 2010, "disjoint" arms). For context x (features plus a constant 1),
 * action k keeps A_k = I + Σ x xᵀ and b_k = Σ r x; it plays argmax θ_kᵀx + α√(xᵀA_k⁻¹x)
 * with θ_k = A_k⁻¹ b_k while learning, and argmax θ_kᵀx when evaluated (`greedy`).
 * A_k⁻¹ is kept up to date with the Sherman–Morrison formula. A bandit treats each request
 * on its own: it cannot learn that a split lengthens later requests' queues.
 */
import type { Decision } from '../sim/latency-model';
import { scenarioFeatures, SCENARIO_FEATURES, type ScenarioPolicy, type ScenarioState } from './state';

export class LinUcb {
  private readonly d: number;
  private readonly aInv: Float64Array[];
  private readonly b: Float64Array[];
  private readonly x: Float64Array;
  private readonly tmp: Float64Array;

  constructor(
    readonly actions: readonly Decision[],
    readonly alpha = 0.5,
    private readonly features = SCENARIO_FEATURES,
  ) {
    if (!(alpha >= 0)) throw new TypeError(`LinUcb: alpha must be >= 0, got ${alpha}`);
    this.d = features.length + 1;
    const d = this.d;
    this.aInv = actions.map(() => {
      const m = new Float64Array(d * d);
      for (let i = 0; i < d; i++) m[i * d + i] = 1;
      return m;
    });
    this.b = actions.map(() => new Float64Array(d));
    this.x = new Float64Array(d);
    this.tmp = new Float64Array(d);
  }

  private context(s: ScenarioState): Float64Array {
    const f = scenarioFeatures(s, this.features);
    this.x.set(f);
    this.x[this.d - 1] = 1;
    return this.x;
  }

  /** Index into the actions: with the exploration bonus unless `greedy`. */
  choose(s: ScenarioState, greedy: boolean): number {
    const x = this.context(s);
    const d = this.d;
    let best = 0;
    let bestV = -Infinity;
    for (let k = 0; k < this.actions.length; k++) {
      const m = this.aInv[k]!;
      const b = this.b[k]!;
      let mean = 0;
      let quad = 0;
      for (let i = 0; i < d; i++) {
        let row = 0;
        for (let j = 0; j < d; j++) row += m[i * d + j]! * x[j]!;
        this.tmp[i] = row;
        quad += x[i]! * row;
      }
      // θ = A⁻¹b, so θᵀx = bᵀ(A⁻¹x) (A⁻¹ is symmetric).
      for (let i = 0; i < d; i++) mean += b[i]! * this.tmp[i]!;
      const v = greedy ? mean : mean + this.alpha * Math.sqrt(Math.max(0, quad));
      if (v > bestV) [best, bestV] = [k, v];
    }
    return best;
  }

  /** Adds (x, k, r): A_k += x xᵀ (Sherman–Morrison on A_k⁻¹), b_k += r x. */
  update(s: ScenarioState, k: number, reward: number): void {
    const x = this.context(s);
    const d = this.d;
    const m = this.aInv[k]!;
    const u = this.tmp;
    let denom = 1;
    for (let i = 0; i < d; i++) {
      let row = 0;
      for (let j = 0; j < d; j++) row += m[i * d + j]! * x[j]!;
      u[i] = row;
      denom += x[i]! * row;
    }
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i * d + j]! -= (u[i]! * u[j]!) / denom;
    const b = this.b[k]!;
    for (let i = 0; i < d; i++) b[i]! += reward * x[i]!;
  }

  /** The frozen bandit as a policy (greedy on the learned means). */
  policy(name = 'linucb'): ScenarioPolicy {
    return {
      name,
      decide: (s: ScenarioState): Decision => this.actions[this.choose(s, true)]!,
    };
  }
}
