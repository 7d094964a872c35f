/** The five CSVs of a `root eval` run (assumed or measured quality alike). */
import * as path from 'node:path';
import { writeCsv } from '../node/files';
import type { EvaluationData } from './evaluation';

export function writeEvaluationCsvs(dir: string, data: EvaluationData): void {
  const tables: [string, readonly object[]][] = [
    ['fig6_reward_vs_episode.csv', data.fig6],
    ['sweep_snr.csv', data.snrSweep],
    ['sweep_share.csv', data.shareSweep],
    ['heatmap_snr_share.csv', data.heatmap],
    ['overall.csv', data.overall],
  ];
  for (const [file, rows] of tables)
    writeCsv(
      path.join(dir, file),
      rows.map((r) => ({ ...r })),
    );
}
