/**
 * `semaigc root eval`: evaluates a trained agent (or trains one first) against every
 * baseline and the oracle, and writes the paper's Fig. 6–9 (SVG + PNG), their CSVs and a
 * summary (summary.json, summary.md) under the run directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { parseCheckpoint } from '@semaigc/root';
import { defaultRunId, readJson, runDirectory, writeCsv, writeJson } from '../../node/files';
import { evaluate } from '../../root/evaluation';
import { writeFigures } from '../../root/figures';
import { loadProfile } from '../../root/profile-loader';
import { summarise, summaryMarkdown } from '../../root/summary';
import { runTraining } from '../../root/training-run';
import {
  addCommonOptions,
  addTrainingOptions,
  parseInteger,
  type CommonOptions,
  type TrainingOptions,
} from './options';

interface EvalOptions extends CommonOptions, TrainingOptions {
  checkpoint?: string;
  evalSeed: number;
  evalEpisodes: number;
}

export function evalCommand(): Command {
  const cmd = new Command('eval').description(
    'Evaluate ROOT against the baselines and the oracle; write Fig. 6-9 (SVG/PNG), CSVs and summary.{json,md} to runs/root/<id>/.',
  );
  addCommonOptions(cmd);
  cmd
    .option(
      '--checkpoint <file>',
      'checkpoint.json from `semaigc root train` (default: train one first with the options below)',
    )
    .option(
      '--eval-seed <n>',
      'seed of the evaluation requests (differs from the training seed)',
      parseInteger(0),
      1001,
    )
    .option(
      '--eval-episodes <n>',
      'sessions of 32 requests per sweep point and heatmap cell',
      parseInteger(1),
      20,
    );
  addTrainingOptions(cmd);
  return cmd.action(async (o: EvalOptions) => {
    const log = (line: string): void => void process.stderr.write(`[root eval] ${line}\n`);
    const profile = loadProfile(o.profile, o.calibration);
    const dir = runDirectory(o.out, o.id ?? defaultRunId(profile.name, o.seed));
    let checkpointFile = o.checkpoint;
    const context: string[] = [];
    if (!checkpointFile) {
      log('no --checkpoint: training one first');
      const r = await runTraining({ profile, options: o, dir, log });
      checkpointFile = r.checkpointPath;
      context.push(`Training: ${o.episodes} episodes in ${r.wallS.toFixed(1)} s wall on ${r.backend}.`);
    }
    const checkpoint = parseCheckpoint(readJson(checkpointFile));
    if (checkpoint.profile !== profile.name) {
      log(
        `note: the checkpoint was trained on profile '${checkpoint.profile}', evaluating on '${profile.name}'`,
      );
    }
    log(`evaluating ${checkpointFile} on profile ${profile.name}, eval seed ${o.evalSeed} → ${dir}`);
    const data = evaluate({ profile, checkpoint, seed: o.evalSeed, episodes: o.evalEpisodes, log });

    writeCsv(
      path.join(dir, 'fig6_reward_vs_episode.csv'),
      data.fig6.map((r) => ({ ...r })),
    );
    writeCsv(
      path.join(dir, 'sweep_snr.csv'),
      data.snrSweep.map((r) => ({ ...r })),
    );
    writeCsv(
      path.join(dir, 'sweep_share.csv'),
      data.shareSweep.map((r) => ({ ...r })),
    );
    writeCsv(
      path.join(dir, 'heatmap_snr_share.csv'),
      data.heatmap.map((r) => ({ ...r })),
    );
    writeCsv(
      path.join(dir, 'overall.csv'),
      data.overall.map((r) => ({ ...r })),
    );
    const figures = await writeFigures(dir, data);
    const summary = summarise(data);
    const requests = o.evalEpisodes * profile.requestsPerEpisode;
    context.unshift(
      `Checkpoint ${path.relative(process.cwd(), checkpointFile)} (profile ${checkpoint.profile}, training seed ${String(checkpoint.meta.seed)}); ` +
        `evaluation on profile ${profile.name}, seed ${o.evalSeed}, ${requests} requests per point.`,
    );
    writeJson(path.join(dir, 'summary.json'), {
      checkpoint: checkpointFile,
      evalSeed: o.evalSeed,
      requestsPerPoint: requests,
      ...summary,
    });
    const md = summaryMarkdown(summary, context.join(' '));
    fs.writeFileSync(path.join(dir, 'summary.md'), md);
    process.stdout.write(md);
    log(`wrote ${figures.length} figures, 5 CSVs and summary.{json,md} to ${dir}`);
  });
}
