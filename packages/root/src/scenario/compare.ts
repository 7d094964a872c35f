/**
 * The comparison behind the benchmark: for each training seed, train ROOT (at each γ asked)
 * and the bandit on the scenario's training environment, then evaluate them with every hand
 * rule and the oracle on that seed's evaluation episodes (common random numbers). Per-seed
 * differences then get a 95% interval over seeds (evaluate.ts).
 *
 * ROOT comes in variants (γ, features, reward shaping: train.ts). With `lookahead`, the
 * headroom references (lookahead.ts: the clairvoyant and the sampled-future rollout over the
 * queue-aware rule) and the two policies they are compared with (the rule, the myopic oracle)
 * are also evaluated on the first `lookahead.episodes` evaluation episodes (rollouts cost
 * about a thousand times a rule's decision).
 */
import type { D3qnConfig } from '../d3qn/config';
import type { Decision } from '../sim/latency-model';
import { evaluateScenario, type ScenarioScore } from './evaluate';
import { deadlineGreedy, paperBaselines, randomPolicy, scenarioOracle } from './policies';
import type { QualitySource } from './quality-source';
import type { ScenarioSpec } from './spec';
import { lookaheadPolicy } from './lookahead';
import type { ScenarioFeature, ScenarioPolicy } from './state';
import { scenarioRootPolicy, trainScenarioBandit, trainScenarioRoot } from './train';

export interface CompareOptions {
  spec: ScenarioSpec;
  quality: QualitySource;
  actions: readonly Decision[];
  seeds: readonly number[];
  episodes: number;
  evalEpisodes: number;
  /** ROOT's variants, each trained once per seed. */
  variants: readonly RootVariant[];
  /** Headroom references (see above); none without. */
  lookahead?: { horizon: number; samples: number; episodes: number };
  /** A seed's result from an earlier run with the same options, if there is one (skips the seed). */
  cached?: (seed: number) => SeedResult | null;
  /** Called with each seed's result as it is done (to cache it). */
  onSeed?: (r: SeedResult) => void;
  config?: Partial<D3qnConfig>;
  /** Evaluation environment seed of training seed s (default 1000 + s). */
  evalSeed?: (seed: number) => number;
  log?: (line: string) => void;
}

export interface RootVariant {
  name: string;
  gamma: number;
  features?: readonly ScenarioFeature[];
  shaping?: { horizon: number };
}

export interface SeedResult {
  seed: number;
  scores: Record<string, ScenarioScore>;
  /** The lookahead references and the rule and oracle, on the first evaluation episodes only. */
  headroom?: Record<string, ScenarioScore>;
  /** Mean reward per training episode of each ROOT (the paper's Fig. 6). */
  curves: Record<string, number[]>;
}

export const HEURISTICS = ['deadline-greedy', 'deadline-greedy-queue'] as const;

export const rootName = (gamma: number): string => `root-g${gamma}`;

export function compareOnSeeds(o: CompareOptions): SeedResult[] {
  const out: SeedResult[] = [];
  for (const seed of o.seeds) {
    const hit = o.cached?.(seed);
    if (hit) {
      o.log?.(`${o.spec.name}: seed ${seed} from the cache`);
      out.push(hit);
      continue;
    }
    const learned: ScenarioPolicy[] = [];
    const curves: Record<string, number[]> = {};
    for (const v of o.variants) {
      o.log?.(`${o.spec.name}: training ${v.name}, seed ${seed}, ${o.episodes} episodes`);
      const run = trainScenarioRoot({
        spec: o.spec,
        quality: o.quality,
        actions: o.actions,
        episodes: o.episodes,
        seed,
        config: { ...o.config, gamma: v.gamma },
        ...(v.features ? { features: v.features } : {}),
        ...(v.shaping ? { shaping: v.shaping } : {}),
      });
      learned.push(scenarioRootPolicy(run.weights, o.actions, v.name, run.features));
      curves[v.name] = run.rewards;
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
    const result: SeedResult = { seed, scores, curves };
    if (o.lookahead) {
      const { horizon, samples, episodes } = o.lookahead;
      const refs: ScenarioPolicy[] = [
        deadlineGreedy(o.spec, o.quality, o.actions, true),
        scenarioOracle(o.spec, o.quality, o.actions),
        lookaheadPolicy(o.spec, o.quality, o.actions, {
          horizon,
          samples: 0,
          seed,
          name: 'lookahead-clairvoyant',
        }),
        lookaheadPolicy(o.spec, o.quality, o.actions, { horizon, samples, seed, name: 'lookahead-sampled' }),
      ];
      result.headroom = {};
      for (const p of refs) {
        o.log?.(`${o.spec.name}: seed ${seed}, ${p.name} on ${episodes} evaluation episodes`);
        result.headroom[p.name] = evaluateScenario(o.spec, o.quality, p, evalSeed, episodes);
      }
    }
    o.onSeed?.(result);
    out.push(result);
  }
  return out;
}

/** Per seed: the best of the hand rules (by satisfaction on that seed's evaluation). */
export function bestHeuristic(r: SeedResult): ScenarioScore {
  return HEURISTICS.map((h) => r.scores[h]!).reduce((a, b) => (b.satisfaction > a.satisfaction ? b : a));
}
