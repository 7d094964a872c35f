/**
 * `semaigc root eval --quality measured`: the paper's Fig. 6–9 with each attempt's quality
 * from the split benchmark's measured surfaces (root's `measuredFigureData`: the paper's
 * single-request dynamics and timings, the channel package's physical layer, ROOT trained on
 * that scenario), written as the paper-profile evaluation writes them: figures titled
 * "measured quality", the same CSVs and summary.{json,md}.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  actionGrid,
  loadMeasuredSurface,
  measuredFigureData,
  measuredQuality,
  scenarioActions,
  SINGLE_REQUEST,
  type D3qnConfig,
} from '@semaigc/root';
import { configOverrides, type TrainingOptions } from '../commands/root/options';
import { readJson, writeJson } from '../node/files';
import { initNodeTensorflow } from '../node/tf-node';
import { writeEvaluationCsvs } from './evaluation-files';
import { writeFigures } from './figures';
import { summarise, summaryMarkdown } from './summary';
import type { TfBackend } from '@semaigc/root';

/** The committed measurements: the split benchmark's surfaces and its calibration. */
export const MEASURED_DOCS = path.resolve(__dirname, '..', '..', '..', '..', 'packages', 'diffusion', 'docs');

export interface MeasuredEvalOptions extends TrainingOptions {
  backend: TfBackend;
  evalSeed: number;
  evalEpisodes: number;
  /** Directory holding split.json and split-calibration.json (default: packages/diffusion/docs). */
  measurements?: string;
}

export async function runMeasuredEval(
  o: MeasuredEvalOptions,
  dir: string,
  log: (l: string) => void,
): Promise<void> {
  const docs = o.measurements ?? MEASURED_DOCS;
  const surface = loadMeasuredSurface(
    readJson(path.join(docs, 'split.json')),
    readJson(path.join(docs, 'split-calibration.json')),
  );
  const backend = await initNodeTensorflow(o.backend);
  const fileConfig = o.config ? (readJson(o.config) as Partial<D3qnConfig>) : {};
  const t0 = Date.now();
  const data = measuredFigureData({
    quality: measuredQuality(surface),
    actions: scenarioActions(20, actionGrid('paper10', 20), true),
    episodes: o.episodes,
    seed: o.seed,
    config: configOverrides(o, fileConfig),
    evalSeed: o.evalSeed,
    evalEpisodes: o.evalEpisodes,
    log,
  });
  const wallS = (Date.now() - t0) / 1000;
  fs.mkdirSync(dir, { recursive: true });
  writeEvaluationCsvs(dir, data);
  const figures = await writeFigures(dir, data, 'measured quality');
  const summary = summarise(data);
  const requests = o.evalEpisodes * SINGLE_REQUEST.requestsPerEpisode;
  writeJson(path.join(dir, 'summary.json'), {
    quality: 'measured (split benchmark surfaces, packages/diffusion/docs)',
    trainingSeed: o.seed,
    trainingEpisodes: o.episodes,
    evalSeed: o.evalSeed,
    requestsPerPoint: requests,
    wallS,
    backend,
    ...summary,
  });
  const md = summaryMarkdown(
    summary,
    `Measured quality (split benchmark surfaces in ${path.relative(process.cwd(), docs)}), the paper's ` +
      `single-request dynamics and timings; ROOT trained ${o.episodes} episodes (seed ${o.seed}, ${backend}); ` +
      `evaluation seed ${o.evalSeed}, ${requests} requests per point; ${wallS.toFixed(0)} s wall.`,
  );
  fs.writeFileSync(path.join(dir, 'summary.md'), md);
  process.stdout.write(md);
  log(`wrote ${figures.length} figures, 5 CSVs and summary.{json,md} to ${dir}`);
}
