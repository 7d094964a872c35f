/**
 * `semaigc asp eval`: scores every policy (the heuristics, the prophet and the trained
 * learners of `asp train`) on held-out episodes of every replicate, and writes under the
 * run directory results.csv, curves.csv, rates.csv, sweep.csv, summary.json, summary.md
 * (Table III / V side by side with the paper's) and Fig. 5–7 (SVG + PNG).
 */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { ASP_PROFILES, aspProfile, resolveTrainConfig, type AspProfile } from '@semaigc/asp';
import { TF_BACKENDS, type TfBackend } from '@semaigc/root';
import { writeCsv, writeJson } from '../../node/files';
import { initNodeTensorflow } from '../../node/tf-node';
import { parseInteger } from '../root/options';
import { evaluateRun, loadCheckpoints } from './evaluation';
import { writeFigures } from './figures';
import { describeBudget, parseIntList, parseNumberList } from './options';
import { summarise, summaryMarkdown, targets, terminalTable } from './report';
import * as fs from 'node:fs';

interface EvalOptions {
  run?: string;
  id: string;
  seeds?: number[];
  profile: string;
  episodes: number;
  rates: number[];
  rateEpisodes: number;
  figures: boolean;
  backend: TfBackend;
}

export function evalCommand(): Command {
  return new Command('eval')
    .description(
      'Score heuristics, prophet and trained learners on held-out episodes; write Table III/V next to the paper, Fig. 5-7 and CSVs to the run directory.',
    )
    .option('--run <dir>', 'run directory of `asp train` (default: runs/asp/<id>)')
    .option('--id <id>', 'run id for the default directory', 'latest')
    .option(
      '--seeds <list>',
      'replicate seeds (default: those of the checkpoints, else 1-5)',
      parseIntList(0),
    )
    .addOption(
      new Option('--profile <name>', 'environment profile when the run has no checkpoints')
        .choices(Object.keys(ASP_PROFILES))
        .default('agod-code'),
    )
    .option('--episodes <n>', 'held-out evaluation episodes per seed (≈ 1000 tasks each)', parseInteger(1), 5)
    .option(
      '--rates <list>',
      'arrival rates λ for Fig. 6',
      parseNumberList,
      [0.0005, 0.00075, 0.001, 0.0015, 0.002],
    )
    .option('--rate-episodes <n>', 'evaluation episodes per seed at each rate', parseInteger(1), 1)
    .option('--no-figures', 'skip the SVG/PNG figures')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices([...TF_BACKENDS]).default('wasm'))
    .action(async (o: EvalOptions) => {
      const log = (line: string): void => void process.stderr.write(`[asp eval] ${line}\n`);
      const dir = o.run ? path.resolve(o.run) : path.resolve('runs', 'asp', o.id);
      fs.mkdirSync(dir, { recursive: true });
      await initNodeTensorflow(o.backend);
      const checkpoints = loadCheckpoints(dir);
      const profile =
        (checkpoints[0]?.checkpoint.meta.profile as AspProfile | undefined) ?? aspProfile(o.profile);
      const seeds =
        o.seeds ??
        (checkpoints.length > 0
          ? [...new Set(checkpoints.map((c) => c.seed))].sort((a, b) => a - b)
          : [1, 2, 3, 4, 5]);
      const main = checkpoints.find((c) => c.sweep === null);
      const budget = main ? describeBudget(resolveTrainConfig(main.checkpoint.config)) : 'no learners';
      log(`${checkpoints.length} checkpoints, seeds ${seeds.join(',')}, profile ${profile.name}; ${budget}`);
      const started = performance.now();
      const data = evaluateRun({
        profile,
        seeds,
        checkpoints,
        episodes: o.episodes,
        rates: o.rates,
        rateEpisodes: o.rateEpisodes,
        log,
      });
      const summary = summarise(data.results);
      const t = targets(summary);
      const trainWall = Object.fromEntries(
        checkpoints.filter((c) => c.sweep === null).map((c) => [c.file, c.checkpoint.meta.trainWallS]),
      );
      const context = [
        `Profile ${profile.name}; ${seeds.length} replicate seeds (${seeds.join(', ')}); ${o.episodes} held-out evaluation episodes per seed.`,
        `Training budget: ${budget}.`,
      ];
      writeCsv(
        path.join(dir, 'results.csv'),
        data.results.map((r) => ({ ...r })),
      );
      writeCsv(
        path.join(dir, 'curves.csv'),
        data.curves.map((r) => ({ ...r })),
      );
      writeCsv(
        path.join(dir, 'rates.csv'),
        data.rates.map((r) => ({ ...r })),
      );
      if (data.sweep.length > 0)
        writeCsv(
          path.join(dir, 'sweep.csv'),
          data.sweep.map((r) => ({ ...r })),
        );
      writeJson(path.join(dir, 'summary.json'), {
        profile: profile.name,
        seeds,
        episodes: o.episodes,
        budget,
        summary,
        targets: t,
        trainWallS: trainWall,
      });
      fs.writeFileSync(path.join(dir, 'summary.md'), summaryMarkdown(summary, t, context));
      if (o.figures) {
        const figs = await writeFigures(dir, data, budget);
        log(`figures: ${figs.map((f) => f.name).join(', ')}`);
      }
      process.stdout.write(terminalTable(summary) + '\n');
      log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s → ${dir}`);
    });
}
