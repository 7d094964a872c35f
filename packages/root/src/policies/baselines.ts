/**
 * The paper's comparison schemes (section V) and two references, as split policies:
 *
 * | policy            | the paper's name       | decision                                          |
 * | ----------------- | ---------------------- | ------------------------------------------------- |
 * | `non-root`        | Non-ROOT SemAIGC       | split a = T̂/2 (10/10 for T̂ = 20)                   |
 * | `non-fine-tuning` | Non-fine-tuning AIGC   | split a = T̂: no receiver steps                    |
 * | `edge-aigc`       | Edge AIGC              | edge runs everything, sends the image's bits      |
 * | `local-aigc`      | Local AIGC             | device runs everything, text encoding included    |
 * | `random`          | —                      | uniform over the action grid (seeded)             |
 * | `oracle`          | —                      | argmax over the grid of the exact expected reward |
 *
 * The oracle sees the realised conditions of the request and the simulator's model, and
 * maximises expected satisfaction; ties go to the lower expected latency, then to fewer
 * edge steps. No policy that sees the same state can do better on average.
 */
import { createRng } from '../rng';
import type { RequestConditions } from '../sim/conditions';
import type { Decision } from '../sim/latency-model';
import { validateProfile, type ServiceProfile } from '../sim/profile';
import { expectedOutcome } from '../sim/service-model';
import type { SplitPolicy } from './policy';

export function fixedSplitPolicy(name: string, edgeSteps: number): SplitPolicy {
  const decision: Decision = { scheme: 'split', edgeSteps };
  return { name, decide: () => decision };
}

/** Non-ROOT SemAIGC: half the steps on each side. */
export function nonRootPolicy(totalSteps: number): SplitPolicy {
  return fixedSplitPolicy('non-root', Math.floor(totalSteps / 2));
}

/** Non-fine-tuning AIGC: all steps on the edge, none on the receiver. */
export function nonFineTuningPolicy(totalSteps: number): SplitPolicy {
  return fixedSplitPolicy('non-fine-tuning', totalSteps);
}

export function edgeAigcPolicy(totalSteps: number): SplitPolicy {
  const decision: Decision = { scheme: 'edge-image', edgeSteps: totalSteps };
  return { name: 'edge-aigc', decide: () => decision };
}

export function localAigcPolicy(): SplitPolicy {
  const decision: Decision = { scheme: 'local', edgeSteps: 0 };
  return { name: 'local-aigc', decide: () => decision };
}

export function randomSplitPolicy(grid: readonly number[], seed: number): SplitPolicy {
  const rng = createRng(seed);
  return { name: 'random', decide: () => ({ scheme: 'split', edgeSteps: grid[rng.int(grid.length)]! }) };
}

export function oraclePolicy(profile: ServiceProfile, grid: readonly number[]): SplitPolicy {
  const table = validateProfile(profile);
  return {
    name: 'oracle',
    decide: (state: RequestConditions): Decision => {
      let best: Decision = { scheme: 'split', edgeSteps: grid[0]! };
      let bestSat = -Infinity;
      let bestLatency = Infinity;
      for (const a of grid) {
        const d: Decision = { scheme: 'split', edgeSteps: a };
        const e = expectedOutcome(profile, table, state, d);
        // 1e-9 absorbs rounding so that exact ties fall through to the latency rule.
        if (
          e.satisfaction > bestSat + 1e-9 ||
          (e.satisfaction > bestSat - 1e-9 && e.latencyS < bestLatency)
        ) {
          best = d;
          bestSat = e.satisfaction;
          bestLatency = e.latencyS;
        }
      }
      return best;
    },
  };
}

/** Every baseline of the comparison, in the order figures list them. */
export function baselinePolicies(
  profile: ServiceProfile,
  grid: readonly number[],
  seed: number,
): SplitPolicy[] {
  return [
    oraclePolicy(profile, grid),
    nonRootPolicy(profile.totalSteps),
    nonFineTuningPolicy(profile.totalSteps),
    edgeAigcPolicy(profile.totalSteps),
    localAigcPolicy(),
    randomSplitPolicy(grid, seed),
  ];
}
