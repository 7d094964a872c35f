/**
 * The paper's Fig. 6–9 as Vega-Lite specs, rendered to SVG and PNG by @semaigc/plot.
 */
import * as path from 'node:path';
import { writeChart, type ChartSpec } from '@semaigc/plot';
import { FIGURE_POLICIES } from '@semaigc/root';
import { policyColour } from '../policy-colour';
import { POLICY_LABELS, type EvaluationData, type SweepRow } from './evaluation';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
/** One colour per policy (FIGURE_POLICIES' order), the same in every figure. */
const PALETTE = ['#1f77b4', '#ff7f0e', '#d62728', '#17becf', '#2ca02c', '#bcbd22', '#9467bd', '#7f7f7f'];

type Labelled<T> = T & { label: string };

function labelled<T extends { policy: string }>(rows: readonly T[]): Labelled<T>[] {
  return rows.map((r) => ({ ...r, label: POLICY_LABELS[r.policy] ?? r.policy }));
}

/** Colour encoding listing only the policies present, in the paper's order. */
function colour(rows: readonly { policy: string }[]): Record<string, unknown> {
  return policyColour(FIGURE_POLICIES, POLICY_LABELS, PALETTE, rows, { legend: { labelLimit: 260 } });
}

interface Axis {
  field: 'snrDb' | 'edgeShare';
  title: string;
}

function lines(
  title: string,
  rows: readonly SweepRow[],
  x: Axis,
  y: { field: keyof SweepRow; title: string; max?: number },
): ChartSpec {
  return {
    $schema: SCHEMA,
    title,
    width: 420,
    height: 260,
    data: { values: labelled(rows) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: x.field, type: 'quantitative', title: x.title },
      y: {
        field: y.field,
        type: 'quantitative',
        title: y.title,
        ...(y.max !== undefined ? { scale: { domain: [0, y.max] } } : {}),
      },
      color: colour(rows),
    },
  };
}

function heatmap(rows: readonly SweepRow[]): ChartSpec {
  return {
    $schema: SCHEMA,
    title: 'Fig. 8: ROOT satisfaction over SNR and edge compute share',
    width: 460,
    height: 300,
    data: { values: rows.map((r) => ({ ...r, pct: `${Math.round(r.satisfaction * 100)}` })) },
    encoding: {
      x: { field: 'edgeShare', type: 'ordinal', title: 'edge compute share (PACR)' },
      y: { field: 'snrDb', type: 'ordinal', title: 'SNR (dB)', sort: 'descending' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field: 'satisfaction',
            type: 'quantitative',
            title: 'satisfaction',
            scale: { domain: [0, 1], scheme: 'viridis' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: { text: { field: 'pct' }, color: { value: 'white' } },
      },
    ],
  };
}

function rewardCurves(rows: EvaluationData['fig6']): ChartSpec {
  return {
    $schema: SCHEMA,
    title: 'Fig. 6: average reward per episode (10-episode trailing mean)',
    width: 520,
    height: 300,
    data: { values: labelled(rows) },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'episode', type: 'quantitative', title: 'episode' },
      y: {
        field: 'smoothed',
        type: 'quantitative',
        title: 'average reward (satisfaction)',
        scale: { domain: [0, 1] },
      },
      color: colour(rows),
    },
  };
}

const SNR: Axis = { field: 'snrDb', title: 'SNR (dB)' };
const SHARE: Axis = { field: 'edgeShare', title: 'edge compute share (PACR)' };
const EDGE_STEPS = { field: 'edgeSteps', title: 'edge steps a', max: 20 } as const;
const LATENCY = { field: 'latencyS', title: 'average latency (s)' } as const;
const SATISFACTION = { field: 'satisfaction', title: 'satisfaction', max: 1 } as const;

export interface FigureFiles {
  name: string;
  svg: string;
  png: string | null;
}

/**
 * Writes fig6 … fig9d (.svg and .png) into `dir`; `quality` names the quality model in every
 * title (the assumed illustrative table or the measured surfaces).
 */
export async function writeFigures(dir: string, d: EvaluationData, quality?: string): Promise<FigureFiles[]> {
  const rootAndOracle = (rows: SweepRow[]): SweepRow[] =>
    rows.filter((r) => r.policy === 'root' || r.policy === 'oracle');
  const specs: [string, ChartSpec][] = [
    [
      'fig7a-edge-steps-vs-snr',
      lines('Fig. 7(a): average edge steps vs SNR', rootAndOracle(d.snrSweep), SNR, EDGE_STEPS),
    ],
    [
      'fig7b-edge-steps-vs-share',
      lines('Fig. 7(b): average edge steps vs compute share', rootAndOracle(d.shareSweep), SHARE, EDGE_STEPS),
    ],
    ['fig8-satisfaction-heatmap', heatmap(d.heatmap)],
    [
      'fig9a-latency-vs-share',
      lines('Fig. 9(a): average latency vs compute share', d.shareSweep, SHARE, LATENCY),
    ],
    [
      'fig9b-satisfaction-vs-share',
      lines('Fig. 9(b): satisfaction vs compute share', d.shareSweep, SHARE, SATISFACTION),
    ],
    ['fig9c-latency-vs-snr', lines('Fig. 9(c): average latency vs SNR', d.snrSweep, SNR, LATENCY)],
    ['fig9d-satisfaction-vs-snr', lines('Fig. 9(d): satisfaction vs SNR', d.snrSweep, SNR, SATISFACTION)],
  ];
  if (d.fig6.length > 0) specs.unshift(['fig6-reward-vs-episode', rewardCurves(d.fig6)]);
  const out: FigureFiles[] = [];
  for (const [name, plain] of specs) {
    // Every title here is a string (set above); the suffix names the quality model.
    const spec =
      quality && typeof plain.title === 'string'
        ? ({ ...plain, title: `${plain.title} (${quality})` } as ChartSpec)
        : plain;
    const r = await writeChart(spec, path.join(dir, name));
    out.push({ name, svg: r.svgPath, png: r.pngPath });
  }
  return out;
}
