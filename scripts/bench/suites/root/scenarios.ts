/**
 * The scenario half of `npm run bench -- root`: ROOT against hand rules, a contextual
 * bandit and the oracle on the measured quality surfaces, in the single-request scenario
 * and under contention, over several training seeds (packages/root/src/scenario/).
 *
 * Per training seed s: ROOT (γ = 0, the package default; and γ = 0.99 under contention) and
 * LinUCB train on environment seed 100 000 + s; every policy is then evaluated on the same
 * evaluation episodes of seed 1000 + s. Differences are per seed (paired); intervals are
 * Student-t 95% intervals of the mean over seeds. "Best heuristic" is, per seed, the better
 * of the two deadline-greedy rules. The assumed (paper) table's ±30% sweep needs no training.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CONTENTION,
  PAPER_QUALITY_TABLE,
  SINGLE_REQUEST,
  actionGrid,
  assumedSensitivity,
  bestHeuristic,
  compareOnSeeds,
  interval,
  loadMeasuredSurface,
  measuredQuality,
  rootName,
  scenarioActions,
  type D3qnConfig,
  type ScenarioSpec,
  type SeedResult,
} from '@semaigc/root';
import type { Row } from '../../harness';

export const DOCS = path.resolve(__dirname, '..', '..', '..', '..', 'packages', 'diffusion', 'docs');

export interface ScenarioBenchOptions {
  seeds: number[];
  singleEpisodes: number;
  contentionEpisodes: number;
  evalEpisodes: number;
  config: Partial<D3qnConfig>;
  log: (line: string) => void;
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function intervalRow(
  label: string,
  xs: number[],
  unit: string,
  target: string | null,
  pass: boolean | null,
): Row {
  const i = interval(xs);
  return {
    case: label,
    n: i.n,
    unit,
    median: r4(i.median),
    mean: r4(i.mean),
    ciLow: r4(i.ciLow),
    ciHigh: r4(i.ciHigh),
    target,
    pass,
  };
}

const sat = (r: SeedResult, p: string): number => r.scores[p]!.satisfaction;

export interface ScenarioBench {
  rows: Row[];
  extra: Record<string, unknown>;
}

export function scenarioBench(o: ScenarioBenchOptions): ScenarioBench {
  const read = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(DOCS, f), 'utf8'));
  const surface = loadMeasuredSurface(read('split.json'), read('split-calibration.json'));
  const quality = measuredQuality(surface);
  const actions = scenarioActions(20, actionGrid('paper10', 20), true);
  const run = (spec: ScenarioSpec, episodes: number, gammas: number[]): SeedResult[] =>
    compareOnSeeds({
      spec,
      quality,
      actions,
      seeds: o.seeds,
      episodes,
      evalEpisodes: o.evalEpisodes,
      gammas,
      config: o.config,
      log: o.log,
    });
  const single = run(SINGLE_REQUEST, o.singleEpisodes, [0]);
  const contention = run(CONTENTION, o.contentionEpisodes, [0, 0.99]);
  const root = rootName(0);
  const rootLong = rootName(0.99);

  const rows: Row[] = [];
  const diff = (rs: SeedResult[], a: (r: SeedResult) => number, b: (r: SeedResult) => number): number[] =>
    rs.map((r) => a(r) - b(r));
  const vsBest = diff(
    contention,
    (r) => sat(r, root),
    (r) => bestHeuristic(r).satisfaction,
  );
  const vsBestI = interval(vsBest);
  rows.push(
    intervalRow(
      'ROOT vs best heuristic, contention',
      vsBest,
      'satisfaction difference',
      '≥ +0.03, interval above 0',
      vsBestI.mean >= 0.03 && vsBestI.ciLow > 0,
    ),
  );
  const vsBandit = diff(
    contention,
    (r) => sat(r, root),
    (r) => sat(r, 'linucb'),
  );
  const vsBanditI = interval(vsBandit);
  rows.push(
    intervalRow(
      'ROOT vs bandit, contention',
      vsBandit,
      'satisfaction difference',
      '≥ +0.03, interval above 0',
      vsBanditI.mean >= 0.03 && vsBanditI.ciLow > 0,
    ),
  );
  rows.push(
    intervalRow(
      'ROOT vs best heuristic, single request',
      diff(
        single,
        (r) => sat(r, root),
        (r) => bestHeuristic(r).satisfaction,
      ),
      'satisfaction difference',
      null,
      null,
    ),
  );
  const share = (rs: SeedResult[], p: (r: SeedResult) => number): number[] =>
    rs.map((r) => p(r) / sat(r, 'oracle'));
  const rootShare = share(single, (r) => sat(r, root));
  rows.push(
    intervalRow(
      'ROOT / oracle, single request',
      rootShare,
      'ratio',
      '≥ 0.97',
      interval(rootShare).mean >= 0.97,
    ),
  );
  rows.push(
    intervalRow(
      'best heuristic / oracle, single request',
      share(single, (r) => bestHeuristic(r).satisfaction),
      'ratio',
      null,
      null,
    ),
  );
  rows.push(
    intervalRow(
      'bandit / oracle, single request',
      share(single, (r) => sat(r, 'linucb')),
      'ratio',
      null,
      null,
    ),
  );
  rows.push(
    intervalRow(
      'ROOT / oracle, contention',
      share(contention, (r) => sat(r, root)),
      'ratio',
      null,
      null,
    ),
  );
  rows.push(
    intervalRow(
      'best heuristic / oracle, contention',
      share(contention, (r) => bestHeuristic(r).satisfaction),
      'ratio',
      null,
      null,
    ),
  );
  rows.push(
    intervalRow(
      'bandit / oracle, contention',
      share(contention, (r) => sat(r, 'linucb')),
      'ratio',
      null,
      null,
    ),
  );
  rows.push(
    intervalRow(
      'ROOT γ = 0.99 vs γ = 0, contention',
      diff(
        contention,
        (r) => sat(r, rootLong),
        (r) => sat(r, root),
      ),
      'satisfaction difference',
      null,
      null,
    ),
  );
  for (const [name, rs] of [
    ['single request', single],
    ['contention', contention],
  ] as const) {
    for (const p of Object.keys(rs[0]!.scores)) {
      rows.push(
        intervalRow(
          `satisfaction, ${name}: ${p}`,
          rs.map((r) => sat(r, p)),
          'satisfaction',
          null,
          null,
        ),
      );
    }
  }

  // The assumed table's sensitivity sweep (no training; same draws for every table).
  const sweep = assumedSensitivity(
    SINGLE_REQUEST,
    { totalSteps: 20, table: PAPER_QUALITY_TABLE, threshold: 0.6, noiseStd: 0.05, clean: 0.95 },
    actions,
    1001,
    Math.max(4, Math.round(o.evalEpisodes / 2)),
  );
  for (const s of sweep) {
    rows.push({
      case: `assumed table, A_y×${s.ayFactor}, B_x×${s.bxFactor}: queue-aware rule / oracle`,
      n: 1,
      unit: 'ratio',
      median: r4(s.heuristicShare),
      mean: null,
      ciLow: null,
      ciHigh: null,
      target: null,
      pass: null,
    });
  }
  const perPolicy = (rs: SeedResult[]) =>
    rs.map((r) =>
      Object.fromEntries(
        Object.entries(r.scores).map(([k, v]) => [
          k,
          {
            satisfaction: r4(v.satisfaction),
            sampledSatisfaction: r4(v.sampledSatisfaction),
            meanEdgeSteps: r4(v.meanEdgeSteps),
            failureRate: r4(v.failureRate),
            meanLatencyS: r4(v.meanLatencyS),
            meanQueueWaitS: r4(v.meanQueueWaitS),
          },
        ]),
      ),
    );
  return {
    rows,
    extra: {
      scenarios: {
        note:
          'ROOT = γ 0 (package default); best heuristic = per seed the better of deadline-greedy and deadline-greedy-queue; ' +
          'intervals: Student-t 95% of the mean over training seeds; evaluation seed 1000 + training seed, common random numbers; ' +
          'satisfaction = mean of each request’s expected satisfaction given its state and decision (sampled means in perSeed).',
        qualitySource: quality.name,
        fidelityGate: 'PSNR ≥ 22 dB (ours) and consistency ≥ the calibration threshold',
        seeds: o.seeds,
        singleEpisodes: o.singleEpisodes,
        contentionEpisodes: o.contentionEpisodes,
        evalEpisodes: o.evalEpisodes,
        config: o.config,
        single: { spec: SINGLE_REQUEST, perSeed: perPolicy(single), curves: single.map((r) => r.curves) },
        contention: {
          spec: CONTENTION,
          perSeed: perPolicy(contention),
          curves: contention.map((r) => r.curves),
        },
        sensitivity: sweep,
      },
    },
  };
}
