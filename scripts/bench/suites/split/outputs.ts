/**
 * What the split benchmark writes besides split.json: the ROOT calibration file (format
 * 'semaigc-split-benchmark' v1, read by packages/root's calibration.ts), the charts, the image
 * grid and the README's table as markdown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeChart } from '@semaigc/plot';
import type { Row } from '../../harness';
import { writeGridPng, type Tile } from '../../lib/png';

/** Caption-consistency threshold of the quality gate in the calibration file. */
export const QUALITY_THRESHOLD = 0.8;

export interface CalibrationInput {
  totalSteps: number;
  variant: string;
  bundle: string;
  captions: string;
  timing: { edgeStepS: number; deviceStepS: number; textEncodeS: number; vaeDecodeS: number };
  payload: { latentBits: number; imageBits: number };
  samples: { snrDb: number; edgeSteps: number; quality: number; seed: number }[];
}

export function writeCalibration(file: string, c: CalibrationInput): void {
  const json = {
    format: 'semaigc-split-benchmark',
    version: 1,
    totalSteps: c.totalSteps,
    timing: c.timing,
    payload: c.payload,
    quality: {
      metric: 'consistency',
      higherIsBetter: true,
      threshold: QUALITY_THRESHOLD,
      samples: c.samples,
    },
    variant: c.variant,
    bundle: c.bundle,
    captions: c.captions,
    note:
      'quality = caption consistency of the default receiver variant on the test captions; a = 0 is Local AIGC ' +
      '(no channel, repeated under every SNR), a = T̂ decodes the received latent without receiver steps',
  };
  // one sample per line: ~10⁴ samples stay readable and a few hundred kB
  const text = JSON.stringify(
    { ...json, quality: { ...json.quality, samples: '@SAMPLES@' } },
    null,
    2,
  ).replace(
    '"@SAMPLES@"',
    '[\n' + c.samples.map((x) => `      ${JSON.stringify(x)}`).join(',\n') + '\n    ]',
  );
  fs.writeFileSync(file, text + '\n');
}

/** Long-format points for the charts: received and the two controls as separate series. */
function long(rows: Row[], metric: 'psnr' | 'consistency'): Row[] {
  const series: [string, string][] =
    metric === 'psnr'
      ? [
          ['received', 'psnrMedian'],
          ['noise control', 'psnrControlNoise'],
          ['swap control', 'psnrControlSwap'],
        ]
      : [
          ['received', 'consistency'],
          ['noise control', 'consistencyControlNoise'],
          ['swap control', 'consistencyControlSwap'],
        ];
  return rows.flatMap((r) =>
    series.map(([input, key]) => ({
      a: r.edgeSteps!,
      snrDb: r.snrDb!,
      variant: r.variant!,
      input,
      value: r[key] ?? null,
    })),
  );
}

export async function writeCharts(outDir: string, rows: Row[], nTest: string): Promise<void> {
  for (const [metric, title, file] of [
    ['psnr', 'PSNR vs the channel-free output (dB, median)', 'split-psnr'],
    ['consistency', 'caption consistency (mean)', 'split-consistency'],
  ] as const) {
    await writeChart(
      {
        title: `Split ablation: ${title}; received vs the two no-information controls; ${nTest}`,
        data: { values: long(rows, metric) },
        facet: {
          row: { field: 'variant', type: 'nominal', title: 'receiver variant' },
          column: { field: 'a', type: 'ordinal', title: 'edge steps a of T̂ = 20' },
        },
        spec: {
          width: 150,
          height: 110,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'snrDb', type: 'quantitative', title: 'SNR (dB)' },
            y: {
              field: 'value',
              type: 'quantitative',
              title: metric === 'psnr' ? 'PSNR (dB)' : 'consistency',
            },
            color: {
              field: 'input',
              type: 'nominal',
              title: 'receiver input',
              scale: {
                domain: ['received', 'noise control', 'swap control'],
                range: ['#222222', '#4c78a8', '#e45756'],
              },
            },
          },
        },
      },
      path.join(outDir, file),
    );
  }
  await writeChart(
    {
      title: `Information retained: median PSNR(received) − median PSNR(swap control), 95% bootstrap interval; ${nTest}`,
      data: { values: rows },
      facet: { column: { field: 'edgeSteps', type: 'ordinal', title: 'edge steps a of T̂ = 20' } },
      spec: {
        width: 200,
        height: 200,
        encoding: {
          x: { field: 'snrDb', type: 'quantitative', title: 'SNR (dB)' },
          color: { field: 'variant', type: 'nominal' },
        },
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              y: { field: 'infoRetainedSwap', type: 'quantitative', title: 'information retained (dB)' },
            },
          },
          {
            mark: { type: 'rule' },
            encoding: {
              y: { field: 'infoRetainedSwapLo', type: 'quantitative' },
              y2: { field: 'infoRetainedSwapHi' },
            },
          },
        ],
      },
    },
    path.join(outDir, 'split-info'),
  );
}

export function writeGrid(file: string, tiles: (Tile | null)[][]): void {
  writeGridPng(file, tiles, 2);
}

const f = (x: unknown, d = 1): string => (typeof x === 'number' ? x.toFixed(d) : '–');

/** The README table: one variant's rows at one a, with intervals and controls. */
export function markdownTable(rows: Row[], variant: string, a: number): string {
  const head =
    '| SNR dB | PSNR (95% CI) | noise ctrl | swap ctrl | retained vs swap (95% CI) | SSIM | consistency | swap ctrl cons. | FCD | step ms | t* |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n';
  return (
    head +
    rows
      .filter((r) => r.variant === variant && r.edgeSteps === a)
      .map(
        (r) =>
          `| ${r.snrDb} | ${f(r.psnrMedian)} (${f(r.psnrMedianLo)}–${f(r.psnrMedianHi)}) | ${f(r.psnrControlNoise)} | ` +
          `${f(r.psnrControlSwap)} | ${f(r.infoRetainedSwap)} (${f(r.infoRetainedSwapLo)}–${f(r.infoRetainedSwapHi)}) | ` +
          `${f(r.ssimMean, 3)} | ${f(r.consistency, 3)} | ${f(r.consistencyControlSwap, 3)} | ${f(r.fcd, 2)} | ` +
          `${f(r.deviceStepMs, 2)} | ${r.tStarMedian ?? '–'} |`,
      )
      .join('\n') +
    '\n'
  );
}

/** Every variant at one a and a few SNRs: the comparison table. */
export function comparisonTable(
  rows: Row[],
  variants: readonly string[],
  a: number,
  snrs: readonly number[],
): string {
  const head =
    '| SNR dB | variant | PSNR | noise ctrl | swap ctrl | retained vs swap (95% CI) | consistency | FCD | step ms |\n' +
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n';
  const lines: string[] = [];
  for (const snr of snrs)
    for (const v of variants) {
      const r = rows.find((x) => x.variant === v && x.edgeSteps === a && x.snrDb === snr);
      if (!r) continue;
      lines.push(
        `| ${snr} | ${v} | ${f(r.psnrMedian)} | ${f(r.psnrControlNoise)} | ${f(r.psnrControlSwap)} | ` +
          `${f(r.infoRetainedSwap)} (${f(r.infoRetainedSwapLo)}–${f(r.infoRetainedSwapHi)}) | ${f(r.consistency, 3)} | ` +
          `${f(r.fcd, 2)} | ${f(r.deviceStepMs, 2)} |`,
      );
    }
  return head + lines.join('\n') + '\n';
}
