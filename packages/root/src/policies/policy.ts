/**
 * The split-policy plug-in point: whatever decides the split for a request — ROOT, a fixed
 * split, a baseline, the oracle — is a `SplitPolicy`. The simulator, the evaluation and
 * (later) the coordinator's online mode all drive policies through this interface:
 *
 *   decision = policy.decide(state)          before the request is served
 *   policy.observe(state, decision, L)       after it was, with the measured latency
 *
 * A failed request is observed with latency Infinity (its satisfaction is 0). Fixed
 * policies ignore `observe`; an online learner turns (state, decision, satisfaction) into
 * a transition and learns from it.
 */
import type { RequestConditions } from '../sim/conditions';
import type { Decision } from '../sim/latency-model';

export interface SplitPolicy {
  /** Short name used in figures and CSV (`root`, `non-root`, `oracle`, …). */
  readonly name: string;
  decide(state: RequestConditions): Decision;
  observe?(state: RequestConditions, decision: Decision, latencyS: number): void;
}
