/**
 * The comparison behind the benchmark: for each training seed, train ROOT (at each γ asked)
 * and the bandit on the scenario's training environment, then evaluate them with every hand
 * rule and the oracle on that seed's evaluation episodes (common random numbers). Per-seed
 * differences then get a 95% interval over seeds (evaluate.ts).
 */
import type { D3qnConfig } from '../d3qn/config';
import type { Decision } from '../sim/latency-model';
import { evaluateScenario, type ScenarioScore } from './evaluate';
import { deadlineGreedy, paperBaselines, randomPolicy, scenarioOracle } from './policies';
import type { QualitySource } from './quality-source';
import type { ScenarioSpec } from './spec';
import type { ScenarioPolicy } from './state';
import { scenarioRootPolicy, trainScenarioBandit, trainScenarioRoot } from './train';

export interface CompareOptions {
  spec: ScenarioSpec;
  quality: QualitySource;
  actions: readonly Decision[];
  seeds: readonly number[];
  episodes: number;
  evalEpisodes: number;
  /** ROOT is trained once per γ; the first is "root", the others "root-γ<value>". */
  gammas: readonly number[];
  config?: Partial<D3qnConfig>;
  /** Evaluation environment seed of training seed s (default 1000 + s). */
  evalSeed?: (seed: number) => number;
  log?: (line: string) => void;
}

export interface SeedResult {
  seed: number;
  scores: Record<string, ScenarioScore>;
  /** Mean reward per training episode of each ROOT (the paper's Fig. 6). */
  curves: Record<string, number[]>;
}

export const HEURISTICS = ['deadline-greedy', 'deadline-greedy-queue'] as const;

export const rootName = (gamma: number): string => `root-g${gamma}`;

export function compareOnSeeds(o: CompareOptions): SeedResult[] {
  const out: SeedResult[] = [];
  for (const seed of o.seeds) {
    const learned: ScenarioPolicy[] = [];
    const curves: Record<string, number[]> = {};
    for (const gamma of o.gammas) {
      o.log?.(`${o.spec.name}: training ROOT seed ${seed}, γ = ${gamma}, ${o.episodes} episodes`);
      const run = trainScenarioRoot({
        spec: o.spec,
        quality: o.quality,
        actions: o.actions,
        episodes: o.episodes,
        seed,
        config: { ...o.config, gamma },
      });
      learned.push(scenarioRootPolicy(run.weights, o.actions, rootName(gamma)));
      curves[rootName(gamma)] = run.rewards;
    }
    const bandit = trainScenarioBandit({
      spec: o.spec,
      quality: o.quality,
      actions: o.actions,
      episodes: o.episodes,
      seed,
    });
    const policies: ScenarioPolicy[] = [
      ...learned,
      bandit.policy('linucb'),
      ...paperBaselines(o.spec),
      randomPolicy(o.actions, seed),
      deadlineGreedy(o.spec, o.quality, o.actions, false),
      deadlineGreedy(o.spec, o.quality, o.actions, true),
      scenarioOracle(o.spec, o.quality, o.actions),
    ];
    const evalSeed = (o.evalSeed ?? ((s: number) => 1000 + s))(seed);
    const scores: Record<string, ScenarioScore> = {};
    for (const p of policies)
      scores[p.name] = evaluateScenario(o.spec, o.quality, p, evalSeed, o.evalEpisodes);
    out.push({ seed, scores, curves });
  }
  return out;
}

/** Per seed: the best of the hand rules (by satisfaction on that seed's evaluation). */
export function bestHeuristic(r: SeedResult): ScenarioScore {
  return HEURISTICS.map((h) => r.scores[h]!).reduce((a, b) => (b.satisfaction > a.satisfaction ? b : a));
}
