/**
 * Hand rules and references for scenarios, all deciding from the same `ScenarioState`:
 *
 * | policy | decision |
 * | --- | --- |
 * | `non-root`, `non-fine-tuning`, `edge-aigc`, `local-aigc` | the paper's fixed schemes (a = T̂/2, a = T̂, edge image, local) |
 * | `random` | uniform over the actions, seeded |
 * | `deadline-greedy` | the action with the most edge work (the largest a) whose predicted first-attempt latency meets Ľ and whose predicted quality passes (below); ignores queues |
 * | `deadline-greedy-queue` | the same, with the edge's and the device's bookings in the predicted latency |
 * | `oracle` | argmax over the actions of the exact expected satisfaction of this request given its state and the bookings (per request, myopic: blind to what its edge work does to later requests) |
 *
 * The actions are those of actions.ts (the grid, optionally widened by Local and Edge AIGC).
 * "Predicted quality passes" = the attempt's mean pass probability is at least 90% of a clean
 * image's (an image that never crossed the analog channel). When no action meets both, the
 * rule takes the quality-passing one with the lowest predicted latency, and when none
 * passes, the one with the highest pass probability.
 */
import { createRng } from '../rng';
import type { Decision } from '../sim/latency-model';
import { meanPassProbability, type QualitySource } from './quality-source';
import type { ScenarioSpec } from './spec';
import type { ScenarioPolicy, ScenarioState } from './state';
import { attemptEnds, predict, qualityInput } from './timeline';

const fixed = (name: string, d: Decision): ScenarioPolicy => ({ name, decide: () => d });

export function paperBaselines(spec: ScenarioSpec): ScenarioPolicy[] {
  const T = spec.totalSteps;
  return [
    fixed('non-root', { scheme: 'split', edgeSteps: Math.floor(T / 2) }),
    fixed('non-fine-tuning', { scheme: 'split', edgeSteps: T }),
    fixed('edge-aigc', { scheme: 'edge-image', edgeSteps: T }),
    fixed('local-aigc', { scheme: 'local', edgeSteps: 0 }),
  ];
}

export function randomPolicy(actions: readonly Decision[], seed: number): ScenarioPolicy {
  const rng = createRng(seed);
  return { name: 'random', decide: () => actions[rng.int(actions.length)]! };
}

/** The share of a clean image's pass probability a split must reach to "pass" for the hand rule. */
export const QUALITY_MARGIN = 0.9;

export function deadlineGreedy(
  spec: ScenarioSpec,
  quality: QualitySource,
  actions: readonly Decision[],
  queueAware: boolean,
): ScenarioPolicy {
  const cleanPass = meanPassProbability(quality, { kind: 'clean' });
  return {
    name: queueAware ? 'deadline-greedy-queue' : 'deadline-greedy',
    decide: (s: ScenarioState): Decision => {
      let feasible: Decision | null = null;
      let fastestPassing: Decision | null = null;
      let fastestS = Infinity;
      let bestPass = actions[0]!;
      let bestPassP = -Infinity;
      for (const d of actions) {
        const latencyS = attemptEnds(spec, s, d, queueAware)[0]!;
        const p = meanPassProbability(quality, qualityInput(s, d));
        const passes = p >= QUALITY_MARGIN * cleanPass;
        // Actions come in order of edge work: the last feasible one is the "largest a".
        if (passes && latencyS <= s.targetS) feasible = d;
        if (passes && latencyS < fastestS) [fastestPassing, fastestS] = [d, latencyS];
        if (p > bestPassP + 1e-12) [bestPass, bestPassP] = [d, p];
      }
      return feasible ?? fastestPassing ?? bestPass;
    },
  };
}

export function scenarioOracle(
  spec: ScenarioSpec,
  quality: QualitySource,
  actions: readonly Decision[],
  name = 'oracle',
): ScenarioPolicy {
  return {
    name,
    decide: (s: ScenarioState): Decision => {
      let best = actions[0]!;
      let bestSat = -Infinity;
      let bestL = Infinity;
      for (const d of actions) {
        const p = predict(spec, quality, s, d);
        if (p.satisfaction > bestSat + 1e-9 || (p.satisfaction > bestSat - 1e-9 && p.firstAttemptS < bestL)) {
          [best, bestSat, bestL] = [d, p.satisfaction, p.firstAttemptS];
        }
      }
      return best;
    },
  };
}
