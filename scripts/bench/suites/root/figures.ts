/**
 * Figures of the scenario comparison, from runs/bench/root.json and the measured surfaces:
 *
 *   npx tsx scripts/bench/suites/root/figures.ts [runs/bench/root.json] [packages/root/docs]
 *
 * - scenario-training: ROOT's training reward per episode (the paper's Fig. 6);
 * - scenario-satisfaction: mean satisfaction per policy with its 95% interval over training
 *   seeds, single request and contention side by side;
 * - scenario-latency: mean latency and mean edge steps per policy (the paper's Fig. 9 and
 *   Fig. 7 read on the scenarios);
 * - scenario-quality: the measured surface the simulator uses: pass probability of one
 *   attempt and median PSNR over SNR per edge-step count a (Fig. 7's cause);
 * - scenario-sensitivity: the queue-aware hand rule's share of the oracle on the assumed
 *   table with its breakpoints moved ±30%;
 * - scenario-headroom: under contention, what each reference and each ROOT variant gains over
 *   the queue-aware rule (mean and 95% interval over seeds), at both loads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeChart, type ChartSpec } from '@semaigc/plot';
import { loadMeasuredSurface, meanPassProbability, measuredQuality, surfaceAt } from '@semaigc/root';
import { DOCS } from './scenarios';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

interface BenchRow {
  case: string;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}
type PerSeed = Record<string, { meanLatencyS: number; meanEdgeSteps: number; meanQueueWaitS: number }>[];

type Faceted = Extract<ChartSpec, { facet: unknown }>;
type Panel = Faceted['spec'];
type Layers = Extract<Panel, { layer: unknown }>['layer'];

/** A chart with one panel per scenario side by side (rows carry `scenario`); `spec` draws one panel. */
function perScenario(title: string, values: object[], spec: Panel, resolve?: Faceted['resolve']): ChartSpec {
  return {
    $schema: SCHEMA,
    title,
    data: { values },
    facet: { column: { field: 'scenario', type: 'nominal', title: null } },
    spec,
    ...(resolve ? { resolve } : {}),
  };
}

/** Layers of a mean with its 95% interval per category: a rule from `lo` to `hi`, a dot at `mean`. */
function meanWithInterval(
  x: { title: string; scale?: { domain: number[]; clamp: boolean } },
  y?: { field: string; type: 'nominal'; title: null; axis: { labelLimit: number } },
): Layers {
  return [
    {
      mark: { type: 'rule' },
      encoding: { ...(y ? { y } : {}), x: { field: 'lo', type: 'quantitative', ...x }, x2: { field: 'hi' } },
    },
    {
      mark: { type: 'point', filled: true, size: 60 },
      encoding: { ...(y ? { y } : {}), x: { field: 'mean', type: 'quantitative' } },
    },
  ];
}

function satisfactionChart(rows: BenchRow[]): ChartSpec {
  const values = rows
    .filter((r) => r.case.startsWith('satisfaction, '))
    .map((r) => {
      const [scenario, policy] = r.case.slice('satisfaction, '.length).split(': ') as [string, string];
      return { scenario, policy, mean: r.mean, lo: r.ciLow, hi: r.ciHigh };
    });
  return perScenario('Satisfaction per policy, mean and 95% interval over training seeds', values, {
    width: 300,
    height: 300,
    encoding: { y: { field: 'policy', type: 'nominal', title: null } },
    layer: meanWithInterval({ title: 'mean satisfaction', scale: { domain: [0, 0.8], clamp: true } }),
  });
}

function latencyChart(perSeed: Record<string, PerSeed>): ChartSpec {
  const values = Object.entries(perSeed).flatMap(([scenario, seeds]) =>
    Object.keys(seeds[0]!).flatMap((policy) => {
      const mean = (k: 'meanLatencyS' | 'meanEdgeSteps' | 'meanQueueWaitS'): number =>
        seeds.reduce((a, s) => a + s[policy]![k], 0) / seeds.length;
      return [
        { scenario, policy, measure: 'mean latency (s)', value: mean('meanLatencyS') },
        { scenario, policy, measure: 'mean edge steps a', value: mean('meanEdgeSteps') },
        { scenario, policy, measure: 'mean wait for the edge (s)', value: mean('meanQueueWaitS') },
      ];
    }),
  );
  return {
    $schema: SCHEMA,
    title: 'Latency, edge steps and edge wait per policy (mean over seeds)',
    data: { values },
    facet: {
      row: { field: 'measure', type: 'nominal', title: null },
      column: { field: 'scenario', type: 'nominal', title: null },
    },
    spec: {
      width: 300,
      height: 200,
      mark: 'bar',
      encoding: {
        y: { field: 'policy', type: 'nominal', title: null },
        x: { field: 'value', type: 'quantitative', title: null },
      },
    },
    resolve: { scale: { x: 'independent' } },
  };
}

type Curves = Record<string, number[]>[];

/** Fig. 6 on the scenarios: mean training reward per episode (10-episode trailing mean, mean over seeds). */
function trainingChart(curves: Record<string, Curves>): ChartSpec {
  const values = Object.entries(curves).flatMap(([scenario, seeds]) =>
    Object.keys(seeds[0] ?? {}).flatMap((policy) => {
      const n = Math.min(...seeds.map((s) => s[policy]!.length));
      return Array.from({ length: n }, (_, e) => {
        let sum = 0;
        let k = 0;
        for (const s of seeds) {
          for (let j = Math.max(0, e - 9); j <= e; j++) [sum, k] = [sum + s[policy]![j]!, k + 1];
        }
        return { scenario, policy, episode: e + 1, reward: sum / k };
      });
    }),
  );
  return perScenario(
    'Training reward per episode (10-episode trailing mean, mean over seeds)',
    values,
    {
      width: 320,
      height: 240,
      mark: 'line',
      encoding: {
        x: { field: 'episode', type: 'quantitative' },
        y: { field: 'reward', type: 'quantitative', title: 'mean satisfaction' },
        color: { field: 'policy', type: 'nominal' },
      },
    },
    { scale: { x: 'independent' } },
  );
}

function qualityChart(): ChartSpec {
  const read = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(DOCS, f), 'utf8'));
  const surface = loadMeasuredSurface(read('split.json'), read('split-calibration.json'));
  const q = measuredQuality(surface);
  const values = [2, 6, 10, 14, 18, 20].flatMap((a) =>
    surface.snrsDb.flatMap((snrDb) => [
      {
        a: `a = ${a}`,
        snrDb,
        measure: 'P(attempt passes the gate)',
        value: meanPassProbability(q, { kind: 'split', edgeSteps: a, snrDb }),
      },
      ...(a === 20
        ? []
        : [
            {
              a: `a = ${a}`,
              snrDb,
              measure: 'median PSNR (dB)',
              value: surfaceAt(surface, 'psnrMedian', a, snrDb),
            },
          ]),
    ]),
  );
  return {
    $schema: SCHEMA,
    title: `Measured quality (${surface.variant}): gate = consistency ≥ ${surface.consistencyThreshold} and PSNR ≥ 22 dB`,
    data: { values },
    facet: { column: { field: 'measure', type: 'nominal', title: null } },
    spec: {
      width: 320,
      height: 240,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'snrDb', type: 'quantitative', title: 'SNR (dB)' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'a', type: 'nominal', title: 'edge steps', sort: null },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** The rows `headroom: X vs queue-aware rule, S` and `V vs best heuristic, S` as intervals. */
function headroomChart(rows: BenchRow[]): ChartSpec {
  const values = rows.flatMap((r) => {
    const h = /^headroom: (.+?)(?: \(.*\))? vs queue-aware rule, (contention.*)$/.exec(r.case);
    const v = /^(root-[^ ]+) vs best heuristic, (contention.*)$/.exec(r.case);
    const m = h ?? v;
    if (!m) return [];
    return [{ what: h ? m[1] : `ROOT ${m[1]}`, scenario: m[2], mean: r.mean, lo: r.ciLow, hi: r.ciHigh }];
  });
  const y = { field: 'what', type: 'nominal', title: null, axis: { labelLimit: 300 } } as const;
  return perScenario(
    'Gain over the queue-aware rule (ROOT: over the better rule), mean and 95% interval over seeds',
    values,
    {
      width: 300,
      height: 220,
      layer: [
        ...meanWithInterval({ title: 'satisfaction difference (dashed: 0 and the +0.03 target)' }, y),
        { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { x: { datum: 0 } } },
        { mark: { type: 'rule', strokeDash: [2, 2], color: 'green' }, encoding: { x: { datum: 0.03 } } },
      ],
    },
  );
}

function sensitivityChart(
  sweep: { ayFactor: number; bxFactor: number; heuristicShare: number }[],
): ChartSpec {
  return {
    $schema: SCHEMA,
    title: 'Assumed table ±30%: queue-aware hand rule / oracle (single request)',
    width: 260,
    height: 220,
    data: { values: sweep.map((s) => ({ ...s, label: s.heuristicShare.toFixed(3) })) },
    encoding: {
      x: { field: 'bxFactor', type: 'ordinal', title: 'B_x × (receiver steps for best quality)' },
      y: {
        field: 'ayFactor',
        type: 'ordinal',
        title: 'A_y × (quality with no receiver step)',
        sort: 'descending',
      },
    },
    layer: [
      {
        mark: 'rect',
        encoding: { color: { field: 'heuristicShare', type: 'quantitative', scale: { domain: [0.9, 1] } } },
      },
      { mark: { type: 'text' }, encoding: { text: { field: 'label' } } },
    ],
  };
}

async function main(): Promise<void> {
  const [input = 'runs/bench/root.json', outDir = 'packages/root/docs'] = process.argv.slice(2);
  const bench = JSON.parse(fs.readFileSync(input, 'utf8')) as {
    rows: BenchRow[];
    extra: {
      scenarios: {
        single: { perSeed: PerSeed; curves: Curves };
        contention: { perSeed: PerSeed; curves: Curves };
        heavy?: { perSeed: PerSeed; curves: Curves };
        sensitivity: { ayFactor: number; bxFactor: number; heuristicShare: number }[];
      };
    };
  };
  const s = bench.extra.scenarios;
  await writeChart(satisfactionChart(bench.rows), path.join(outDir, 'scenario-satisfaction'));
  const heavy = 'contention, heavy load';
  await writeChart(
    latencyChart({
      'single request': s.single.perSeed,
      contention: s.contention.perSeed,
      ...(s.heavy ? { [heavy]: s.heavy.perSeed } : {}),
    }),
    path.join(outDir, 'scenario-latency'),
  );
  await writeChart(qualityChart(), path.join(outDir, 'scenario-quality'));
  await writeChart(
    trainingChart({
      'single request': s.single.curves,
      contention: s.contention.curves,
      ...(s.heavy ? { [heavy]: s.heavy.curves } : {}),
    }),
    path.join(outDir, 'scenario-training'),
  );
  await writeChart(headroomChart(bench.rows), path.join(outDir, 'scenario-headroom'));
  await writeChart(sensitivityChart(s.sensitivity), path.join(outDir, 'scenario-sensitivity'));
}

void main();
