/**
 * `semaigc root eval`: evaluates a trained agent (or trains one first) against every
 * baseline and the oracle, and writes the paper's Fig. 6–9 (SVG + PNG), their CSVs and a
 * summary (summary.json, summary.md) under the run directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { parseCheckpoint } from '@semaigc/root';
import { defaultRunId, readJson, runDirectory, writeJson } from '../../node/files';
import { evaluate } from '../../root/evaluation';
import { writeEvaluationCsvs } from '../../root/evaluation-files';
import { writeFigures } from '../../root/figures';
import { runMeasuredEval } from '../../root/measured-eval';
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
  quality: 'assumed' | 'measured';
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
    )
    .addOption(
      new Option(
        '--quality <model>',
        "assumed: the profile's quality table (the paper's illustrative one by default); measured: the split benchmark's measured surfaces on the paper's dynamics (trains ROOT on that scenario; --checkpoint not used)",
      )
        .choices(['assumed', 'measured'])
        .default('assumed'),
    );
  addTrainingOptions(cmd);
  return cmd.action(async (o: EvalOptions) => {
    const log = (line: string): void => void process.stderr.write(`[root eval] ${line}\n`);
    if (o.quality === 'measured') {
      const dir = runDirectory(o.out, o.id ?? defaultRunId('measured-quality', o.seed));
      await runMeasuredEval(o, dir, log);
      return;
    }
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

    writeEvaluationCsvs(dir, data);
    const figures = await writeFigures(
      dir,
      data,
      profile.name === 'paper'
        ? 'assumed illustrative quality table'
        : `${profile.name} profile quality table`,
    );
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
