/**
 * Which conclusions drawn on the paper's *assumed* quality table survive when its
 * breakpoints move: each row's A_y (quality with no receiver steps) and B_x (receiver steps
 * needed for the best quality) are scaled by 0.7, 1 and 1.3 (A_y capped at B_y, B_x at T̂),
 * and the hand rules and the oracle are evaluated on the same draws for each of the nine
 * tables. No training: the sweep asks whether a hand rule stays near the oracle and whether
 * the oracle's split still moves to the edge as the channel improves (the paper's Fig. 7).
 */
import type { Decision } from '../sim/latency-model';
import type { QualityRow } from '../sim/quality-model';
import { evaluateScenario } from './evaluate';
import { deadlineGreedy, paperBaselines, scenarioOracle } from './policies';
import { assumedQuality, type AssumedQualitySpec } from './quality-source';
import type { ScenarioSpec } from './spec';
import type { ScenarioPolicy } from './state';

export interface SensitivityRow {
  ayFactor: number;
  bxFactor: number;
  oracle: number;
  heuristic: number;
  heuristicShare: number;
  nonRoot: number;
  best: string;
  /** Oracle's mean edge steps on splits at −6 dB and at 15 dB (other conditions as drawn). */
  oracleStepsLowSnr: number;
  oracleStepsHighSnr: number;
}

export function scaledTable(
  rows: readonly QualityRow[],
  ayFactor: number,
  bxFactor: number,
  T: number,
): QualityRow[] {
  return rows.map((r) => {
    const bx = Math.min(T, r.bx * bxFactor);
    return { ...r, ay: Math.min(r.by, r.ay * ayFactor), bx: Math.max(r.ax, bx) };
  });
}

/** Mean edge steps of `policy` with the SNR pinned (split decisions only). */
function meanSteps(
  spec: ScenarioSpec,
  policy: ScenarioPolicy,
  snrDb: number,
  quality: Parameters<typeof evaluateScenario>[1],
  seed: number,
  episodes: number,
): number {
  const pinned: ScenarioSpec = {
    ...spec,
    dynamics: { ...spec.dynamics, snrDb: { kind: 'constant', value: snrDb } },
  };
  return evaluateScenario(pinned, quality, policy, seed, episodes).meanEdgeSteps;
}

export function assumedSensitivity(
  spec: ScenarioSpec,
  base: AssumedQualitySpec,
  actions: readonly Decision[],
  evalSeed: number,
  episodes: number,
  factors: readonly number[] = [0.7, 1, 1.3],
): SensitivityRow[] {
  const out: SensitivityRow[] = [];
  const splits = actions.filter((d) => d.scheme === 'split');
  for (const ayFactor of factors) {
    for (const bxFactor of factors) {
      const quality = assumedQuality({
        ...base,
        table: scaledTable(base.table, ayFactor, bxFactor, spec.totalSteps),
      });
      const oracle = scenarioOracle(spec, quality, actions);
      const rule = deadlineGreedy(spec, quality, actions, true);
      const score = (p: ScenarioPolicy): number =>
        evaluateScenario(spec, quality, p, evalSeed, episodes).satisfaction;
      const o = score(oracle);
      const h = score(rule);
      const splitOracle = scenarioOracle(spec, quality, splits, 'oracle-splits');
      const scores = [oracle, rule, ...paperBaselines(spec)].map((p) => [p.name, score(p)] as const);
      out.push({
        ayFactor,
        bxFactor,
        oracle: o,
        heuristic: h,
        heuristicShare: h / o,
        nonRoot: scores.find(([n]) => n === 'non-root')![1],
        best: scores.filter(([n]) => n !== 'oracle').reduce((a, b) => (b[1] > a[1] ? b : a))[0],
        oracleStepsLowSnr: meanSteps(spec, splitOracle, -6, quality, evalSeed, Math.max(1, episodes >> 2)),
        oracleStepsHighSnr: meanSteps(spec, splitOracle, 15, quality, evalSeed, Math.max(1, episodes >> 2)),
      });
    }
  }
  return out;
}
