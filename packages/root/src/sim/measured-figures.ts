/**
 * The paper's Fig. 6–9 on measured quality: the paper's single-request dynamics and timings
 * (root's scenario `SINGLE_REQUEST`, the physical layer of packages/channel), with each
 * attempt's pass probability from the split benchmark's measured surfaces (a `QualitySource`
 * such as `measuredQuality`), regenerations of one caption correlated as measured. The
 * illustrative `PAPER_QUALITY_TABLE` figures (`semaigc root eval`'s default) stay as the
 * *assumed* version.
 *
 * Rows have the paper-profile evaluation's shape (policy, satisfaction, latencyS, edgeSteps,
 * the pinned SNR or share), so the same chart code draws both. Satisfaction is the expected
 * satisfaction of each decision given its state (closed form over the gate's draws); latency
 * is the mean of the sampled outcomes (640 requests per point by default), failures counted
 * at the time they were given up.
 */
import type { D3qnConfig } from '../d3qn/config';
import { convergence, trailingMean } from '../convergence';
import type { PolicySummary } from '../evaluate';
import { mixSeed } from '../rng';
import { ScenarioEnv } from '../scenario/env';
import { evaluateScenario } from '../scenario/evaluate';
import { deadlineGreedy, paperBaselines, randomPolicy, scenarioOracle } from '../scenario/policies';
import { memoQuality, type QualitySource } from '../scenario/quality-source';
import { SINGLE_REQUEST, type ScenarioSpec } from '../scenario/spec';
import type { ScenarioPolicy } from '../scenario/state';
import { scenarioRootPolicy, trainEnvSeed, trainScenarioRoot } from '../scenario/train';
import type { Decision } from './latency-model';

/**
 * The policies of Fig. 6–9 by name, in the paper's order (the figures' legends follow it):
 * ROOT, the oracle, the paper's four baselines, a random split and the deadline-greedy hand
 * rule. measuredFigureData draws every one; the paper-profile evaluation (`semaigc root eval`)
 * all but the rule.
 */
export const FIGURE_POLICIES = [
  'root',
  'oracle',
  'non-root',
  'non-fine-tuning',
  'edge-aigc',
  'local-aigc',
  'random',
  'deadline-greedy',
] as const;
export type FigurePolicy = (typeof FIGURE_POLICIES)[number];

export const FIGURE_SNR_POINTS = [-6, -3, 0, 3, 6, 9, 12, 15];
export const FIGURE_SHARE_POINTS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

export interface FigurePin {
  snrDb?: number;
  edgeShare?: number;
}

/** A policy at one point: the paper-profile evaluation's row, so the same chart code draws both. */
export type FigureRow = PolicySummary & { snrDb: number | null; edgeShare: number | null };

export interface FigureCurveRow {
  episode: number;
  policy: string;
  reward: number;
  smoothed: number;
}

export interface MeasuredFigureData {
  fig6: FigureCurveRow[];
  snrSweep: FigureRow[];
  shareSweep: FigureRow[];
  heatmap: FigureRow[];
  overall: FigureRow[];
  convergence: { finalReward: number; episodes: number | null; trainingEpisodes: number };
}

export interface MeasuredFigureOptions {
  quality: QualitySource;
  /** The actions every learned and searching policy chooses from (splits, Local and Edge AIGC). */
  actions: readonly Decision[];
  /** ROOT's training episodes (sessions of 32 requests) and seed. */
  episodes: number;
  seed: number;
  config?: Partial<D3qnConfig>;
  /** Evaluation environment seed (not a training one) and sessions per point. */
  evalSeed: number;
  evalEpisodes: number;
  spec?: ScenarioSpec;
  log?: (line: string) => void;
}

/** The spec with the pinned conditions held constant (the paper's sweeps). */
export function pinnedSpec(spec: ScenarioSpec, pin: FigurePin): ScenarioSpec {
  return {
    ...spec,
    dynamics: {
      ...spec.dynamics,
      ...(pin.snrDb !== undefined ? { snrDb: { kind: 'constant', value: pin.snrDb } } : {}),
      ...(pin.edgeShare !== undefined ? { edgeShare: { kind: 'constant', value: pin.edgeShare } } : {}),
    },
  };
}

/** Mean sampled reward per episode of `policy` on the training environment (same requests and luck as ROOT's training). */
function replay(
  spec: ScenarioSpec,
  quality: QualitySource,
  policy: ScenarioPolicy,
  seed: number,
  episodes: number,
): number[] {
  const env = new ScenarioEnv(spec, quality, trainEnvSeed(seed));
  const out: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let s = env.reset(e);
    let sum = 0;
    for (;;) {
      const { reward, next, terminated } = env.step(policy.decide(s));
      sum += reward;
      if (terminated || !next) break;
      s = next;
    }
    out.push(sum / spec.requestsPerEpisode);
  }
  return out;
}

export function measuredFigureData(o: MeasuredFigureOptions): MeasuredFigureData {
  const spec = o.spec ?? SINGLE_REQUEST;
  const log = o.log ?? (() => undefined);
  const quality = memoQuality(o.quality);
  log(`training ROOT on ${spec.name} with ${quality.name} quality: ${o.episodes} episodes, seed ${o.seed}`);
  const run = trainScenarioRoot({
    spec,
    quality,
    actions: o.actions,
    episodes: o.episodes,
    seed: o.seed,
    config: o.config,
  });
  const policiesFor = (s: ScenarioSpec): ScenarioPolicy[] => [
    scenarioRootPolicy(run.weights, o.actions, 'root', run.features),
    scenarioOracle(s, quality, o.actions),
    ...paperBaselines(s),
    randomPolicy(o.actions, mixSeed(o.evalSeed, 7)),
    deadlineGreedy(s, quality, o.actions, false),
  ];

  log('Fig. 6: replaying the training episodes with each baseline');
  const fig6: FigureCurveRow[] = [];
  const addCurve = (policy: string, rewards: number[]): void => {
    const smooth = trailingMean(rewards, 10);
    rewards.forEach((reward, i) => fig6.push({ episode: i + 1, policy, reward, smoothed: smooth[i]! }));
  };
  addCurve('root', run.rewards);
  for (const p of policiesFor(spec).slice(1)) addCurve(p.name, replay(spec, quality, p, o.seed, o.episodes));

  const at = (pin: FigurePin, onlyRoot = false): FigureRow[] => {
    const s = pinnedSpec(spec, pin);
    const list = policiesFor(s);
    return (onlyRoot ? list.slice(0, 1) : list).map((p) => {
      const r = evaluateScenario(s, quality, p, o.evalSeed, o.evalEpisodes);
      return {
        policy: p.name,
        requests: o.evalEpisodes * s.requestsPerEpisode,
        satisfaction: r.satisfaction,
        latencyS: r.meanLatencyS,
        sampledSatisfaction: r.sampledSatisfaction,
        sampledLatencyS: r.meanLatencyS,
        failureRate: r.failureRate,
        edgeSteps: r.meanEdgeSteps,
        snrDb: pin.snrDb ?? null,
        edgeShare: pin.edgeShare ?? null,
      };
    });
  };
  log(
    `sweeps: ${FIGURE_SNR_POINTS.length} SNR points, ${FIGURE_SHARE_POINTS.length} shares, ${o.evalEpisodes} sessions each`,
  );
  const snrSweep = FIGURE_SNR_POINTS.flatMap((snrDb) => at({ snrDb }));
  const shareSweep = FIGURE_SHARE_POINTS.flatMap((edgeShare) => at({ edgeShare }));
  log('Fig. 8: ROOT over SNR × share');
  const heatmap = FIGURE_SNR_POINTS.flatMap((snrDb) =>
    FIGURE_SHARE_POINTS.flatMap((edgeShare) => at({ snrDb, edgeShare }, true)),
  );
  const overall = at({});
  const conv = convergence(run.rewards);
  return {
    fig6,
    snrSweep,
    shareSweep,
    heatmap,
    overall,
    convergence: {
      finalReward: conv.finalReward,
      episodes: conv.episodes,
      trainingEpisodes: run.rewards.length,
    },
  };
}
