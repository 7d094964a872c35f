/**
 * `semaigc root train`: trains ROOT in the simulator and writes, under the run directory,
 * checkpoint.json (the agent + its training curve), checkpoints/ep-NNNN.json, training.csv
 * and train.json (settings, wall time, convergence).
 */
import { Command } from 'commander';
import { defaultRunId, runDirectory, writeJson } from '../../node/files';
import { loadProfile } from '../../root/profile-loader';
import { runTraining } from '../../root/training-run';
import { addCommonOptions, addTrainingOptions, type CommonOptions, type TrainingOptions } from './options';

export function trainCommand(): Command {
  const cmd = new Command('train').description(
    'Train the D3QN split agent in the simulator (Algorithm 1): progress bar with the episode reward, checkpoints, training.csv.',
  );
  addCommonOptions(cmd);
  addTrainingOptions(cmd);
  return cmd.action(async (o: CommonOptions & TrainingOptions) => {
    const log = (line: string): void => void process.stderr.write(`[root train] ${line}\n`);
    const profile = loadProfile(o.profile, o.calibration);
    const dir = runDirectory(o.out, o.id ?? defaultRunId(profile.name, o.seed));
    const r = await runTraining({ profile, options: o, dir, log });
    writeJson(`${dir}/train.json`, {
      profile: profile.name,
      seed: o.seed,
      episodes: o.episodes,
      backend: r.backend,
      config: r.checkpoint.config,
      grid: r.checkpoint.grid,
      wallS: r.wallS,
      convergedAt: r.convergedAt,
      wallToConvergenceS: r.wallToConvergenceS,
      finalReward: r.finalReward,
    });
    log(
      `done in ${r.wallS.toFixed(1)} s: final reward ${r.finalReward.toFixed(3)}, 95% of it after ${r.convergedAt ?? 'never'} episodes` +
        (r.wallToConvergenceS !== null ? ` (${r.wallToConvergenceS.toFixed(1)} s)` : ''),
    );
    log(`checkpoint: ${r.checkpointPath}`);
  });
}
