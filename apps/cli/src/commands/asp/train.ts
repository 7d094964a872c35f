/**
 * `semaigc asp train`: trains the learners (DQN, SAC, D2SAC) on every replicate seed, and
 * optionally D2SAC at several numbers of denoising steps (Fig. 7). Writes, under the run
 * directory, checkpoints/<policy>-seed<s>.json (with the test-reward curve in meta),
 * training/<policy>-seed<s>.csv, and train-<time>.json (settings and wall times). Several
 * invocations may share one --out (e.g. one per core), each with its own learners or seeds.
 */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { ASP_PROFILES, LEARNER_NAMES, resolveTrainConfig, type LearnerName } from '@semaigc/asp';
import { TF_BACKENDS, type TfBackend } from '@semaigc/root';
import { writeJson } from '../../node/files';
import { initNodeTensorflow } from '../../node/tf-node';
import { parseInteger, parseNumber } from '../root/options';
import {
  budgetConfig,
  checkpointName,
  describeBudget,
  parseIntList,
  parseLearners,
  type BudgetOptions,
} from './options';
import { loadAspProfile } from './profile-arg';
import { runLearner } from './training';

interface TrainOptions extends BudgetOptions {
  policies: LearnerName[];
  seeds: number[];
  profile: string;
  arrivalRate?: number;
  episodeSeconds?: number;
  denoisingSweep?: number[];
  backend: TfBackend;
  out?: string;
  id: string;
  progress: boolean;
}

export function addBudgetOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--budget <name>',
        'training budget: paper (1000 × 1000 transitions, 1e6 updates of 512), small, or quick',
      )
        .choices(['paper', 'small', 'quick'])
        .default('small'),
    )
    .option('--quick', 'the tiny budget of the tests (same as --budget quick)')
    .option('--epochs <n>', 'training steps E (overrides the budget)', parseInteger(1))
    .option('--steps-per-epoch <n>', 'transitions collected per training step C', parseInteger(1))
    .option('--updates-per-epoch <n>', 'gradient steps per training step', parseInteger(0))
    .option('--batch-size <n>', 'minibatch size', parseInteger(1))
    .option('--denoising-steps <n>', 'D2SAC denoising steps T (paper: 5)', parseInteger(1));
}

export function trainCommand(): Command {
  const cmd = new Command('train').description(
    'Train DQN, SAC and D2SAC on every replicate seed (and the D2SAC denoising-step sweep of Fig. 7); writes runs/asp/<id>/.',
  );
  cmd
    .option(
      '--policies <list>',
      `learners to train, comma-separated (${LEARNER_NAMES.join(', ')})`,
      parseLearners,
      [...LEARNER_NAMES],
    )
    .option(
      '--seeds <list>',
      'replicate seeds (world, episodes, initial weights)',
      parseIntList(0),
      [1, 2, 3, 4, 5],
    )
    .option(
      '--profile <name|file>',
      `environment profile (${Object.keys(ASP_PROFILES).join(', ')}; packages/asp/README.md) or a lab-calibrated profile file from 'semaigc asp calibrate'`,
      'agod-code',
    )
    .option(
      '--arrival-rate <per-s>',
      "task arrivals per second instead of the profile's (a calibrated profile's is a placeholder: set the live trial's)",
      parseNumber(1e-9, 1e6),
    )
    .option(
      '--episode-seconds <s>',
      "episode length instead of the profile's (tasks per episode ≈ arrival rate × length)",
      parseNumber(1e-6, 1e12),
    )
    .option(
      '--denoising-sweep <list>',
      "also train D2SAC with each of these denoising steps (Fig. 7), e.g. '1,2,3,4,5,10,15'",
      parseIntList(1),
    )
    .addOption(new Option('--backend <name>', 'tfjs backend').choices([...TF_BACKENDS]).default('wasm'))
    .option('--out <dir>', 'run directory (default: runs/asp/<id>)')
    .option('--id <id>', 'run id for the default directory', 'latest')
    .option('--no-progress', 'no progress bars; a log line every tenth of a run instead');
  addBudgetOptions(cmd);
  return cmd.action(async (o: TrainOptions) => {
    const log = (line: string): void => void process.stderr.write(`[asp train] ${line}\n`);
    const profile = loadAspProfile(o.profile, {
      ...(o.arrivalRate !== undefined ? { arrivalRate: o.arrivalRate } : {}),
      ...(o.episodeSeconds !== undefined ? { episodeSeconds: o.episodeSeconds } : {}),
    });
    const config = budgetConfig(o);
    const resolved = resolveTrainConfig(config);
    const dir = o.out ? path.resolve(o.out) : path.resolve('runs', 'asp', o.id);
    const backend = await initNodeTensorflow(o.backend);
    log(
      `profile ${profile.name} (${profile.arrivalRate} arrivals/s over ${profile.episodeSeconds} s), seeds`,
    );
    log(`seeds ${o.seeds.join(',')}, backend ${backend} → ${dir}`);
    log(`budget: ${describeBudget(resolved)}`);
    const runs: Record<string, unknown>[] = [];
    const started = performance.now();
    const jobs: { policy: LearnerName; seed: number; sweep?: number }[] = [];
    for (const seed of o.seeds) for (const policy of o.policies) jobs.push({ policy, seed });
    for (const t of o.denoisingSweep ?? [])
      for (const seed of o.seeds) jobs.push({ policy: 'd2sac', seed, sweep: t });
    for (const j of jobs) {
      const fileName = checkpointName(j.policy, j.seed, j.sweep);
      const r = runLearner({
        algorithm: j.policy,
        profile,
        seed: j.seed,
        config: j.sweep !== undefined ? { ...config, denoisingSteps: j.sweep } : config,
        dir,
        fileName,
        progress: o.progress,
        backend,
        log,
      });
      runs.push({
        file: fileName,
        policy: j.policy,
        seed: j.seed,
        denoisingSteps: j.sweep ?? resolved.denoisingSteps,
        wallS: r.wallS,
        finalTestReward: r.finalTestReward,
      });
      log(`${fileName}: ${r.wallS.toFixed(1)} s, final test reward ${r.finalTestReward?.toFixed(1) ?? '-'}`);
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    writeJson(path.join(dir, `train-${stamp}.json`), {
      profile: profile.name,
      seeds: o.seeds,
      backend,
      config: resolved,
      budget: describeBudget(resolved),
      wallS: (performance.now() - started) / 1000,
      runs,
    });
  });
}
