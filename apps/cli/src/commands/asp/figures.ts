/**
 * The D2SAC paper's Fig. 5–7 as Vega-Lite specs, rendered to SVG and PNG by @semaigc/plot:
 * mean over replicate seeds with its 95% interval as a band or error bars.
 */
import * as path from 'node:path';
import { interval95 } from '@semaigc/asp';
import { writeChart, type ChartSpec } from '@semaigc/plot';
import type { EvaluationData } from './evaluation';
import { policyColour } from '../../policy-colour';
import { POLICY_LABELS, POLICY_ORDER } from './paper';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
const PALETTE = ['#9467bd', '#8c564b', '#2ca02c', '#ff7f0e', '#1f77b4', '#17becf', '#d62728'];

interface Point {
  policy: string;
  label: string;
  x: number;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** Groups rows by (policy, x) and reduces `y` to mean and 95% interval. */
function aggregate<T extends { policy: string }>(
  rows: readonly T[],
  x: (r: T) => number,
  y: (r: T) => number,
): Point[] {
  const groups = new Map<string, { policy: string; x: number; ys: number[] }>();
  for (const r of rows) {
    const key = `${r.policy}@${x(r)}`;
    const g = groups.get(key) ?? { policy: r.policy, x: x(r), ys: [] };
    g.ys.push(y(r));
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const i = interval95(g.ys);
    const half = Number.isNaN(i.half) ? 0 : i.half;
    return {
      policy: g.policy,
      label: POLICY_LABELS[g.policy] ?? g.policy,
      x: g.x,
      mean: i.mean,
      lo: i.mean - half,
      hi: i.mean + half,
      n: i.n,
    };
  });
}

function colour(points: readonly Point[]): Record<string, unknown> {
  return policyColour(POLICY_ORDER, POLICY_LABELS, PALETTE, points);
}

function bandChart(
  title: string,
  points: Point[],
  xTitle: string,
  yTitle: string,
  band: 'errorband' | 'errorbar',
): ChartSpec {
  const x = { field: 'x', type: 'quantitative', title: xTitle };
  return {
    $schema: SCHEMA,
    title,
    width: 520,
    height: 300,
    data: { values: points },
    layer: [
      {
        mark: { type: band, opacity: 0.25 },
        encoding: {
          x,
          y: { field: 'lo', type: 'quantitative', title: yTitle },
          y2: { field: 'hi' },
          color: colour(points),
        },
      },
      {
        mark: { type: 'line', point: band === 'errorbar' },
        encoding: { x, y: { field: 'mean', type: 'quantitative', title: yTitle }, color: colour(points) },
      },
    ],
  } as ChartSpec;
}

export interface FigureFiles {
  name: string;
  svg: string;
  png: string | null;
}

export async function writeFigures(dir: string, d: EvaluationData, budget: string): Promise<FigureFiles[]> {
  const specs: [string, ChartSpec][] = [];
  if (d.curves.length > 0) {
    specs.push([
      'fig5-test-reward-vs-training-step',
      bandChart(
        `Fig. 5: test reward vs training step (${budget})`,
        aggregate(
          d.curves,
          (r) => r.epoch,
          (r) => r.testReward,
        ),
        'training step (one collect-and-update round)',
        'test reward (episode sum)',
        'errorband',
      ),
    ]);
  }
  if (d.rates.length > 0) {
    specs.push([
      'fig6-reward-vs-arrival-rate',
      bandChart(
        'Fig. 6: test reward vs task arrival rate (learners trained at λ = 0.001)',
        aggregate(
          d.rates,
          (r) => r.arrivalRate,
          (r) => r.testReward,
        ),
        'arrival rate λ (tasks / s)',
        'test reward (episode sum)',
        'errorbar',
      ),
    ]);
  }
  if (d.sweep.length > 0) {
    const rows = d.sweep.map((r) => ({ ...r, policy: 'd2sac' }));
    specs.push([
      'fig7-d2sac-reward-vs-denoising-steps',
      {
        $schema: SCHEMA,
        title: `Fig. 7: D2SAC vs its denoising steps T (${budget})`,
        hconcat: [
          bandChart(
            'test reward',
            aggregate(
              rows,
              (r) => r.denoisingSteps,
              (r) => r.testReward,
            ),
            'denoising steps T',
            'test reward',
            'errorbar',
          ),
          bandChart(
            'training wall time',
            aggregate(
              rows,
              (r) => r.denoisingSteps,
              (r) => r.trainWallS,
            ),
            'denoising steps T',
            'training time (s)',
            'errorbar',
          ),
        ],
      } as ChartSpec,
    ]);
  }
  const out: FigureFiles[] = [];
  for (const [name, spec] of specs) {
    const r = await writeChart(spec, path.join(dir, name));
    out.push({ name, svg: r.svgPath, png: r.pngPath });
  }
  return out;
}
