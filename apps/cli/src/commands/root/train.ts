/**
 * `semaigc root train`: trains ROOT in the simulator and writes, under the run directory,
 * checkpoint.json (the agent + its training curve), checkpoints/ep-NNNN.json, training.csv
 * and train.json (settings, wall time, convergence).
 */
import { Command } from 'commander';
import type { D3qnConfig } from '@semaigc/root';
import { defaultRunId, readJson, runDirectory, writeJson } from '../../node/files';
import { initNodeTensorflow } from '../../node/tf-node';
import { loadProfile } from '../../root/profile-loader';
import { runTraining } from '../../root/training-run';
import {
  addCommonOptions,
  addTrainingOptions,
  configOverrides,
  type CommonOptions,
  type TrainingOptions,
} from './options';

export function trainCommand(): Command {
  const cmd = new Command('train').description(
    'Train the D3QN split agent in the simulator (Algorithm 1): progress bar with the episode reward, checkpoints, training.csv.',
  );
  addCommonOptions(cmd);
  addTrainingOptions(cmd);
  return cmd.action(async (o: CommonOptions & TrainingOptions) => {
    const log = (line: string): void => void process.stderr.write(`[root train] ${line}\n`);
    const profile = loadProfile(o.profile, o.calibration);
    const fileConfig = o.config ? (readJson(o.config) as Partial<D3qnConfig>) : {};
    const dir = runDirectory(o.out, o.id ?? defaultRunId(profile.name, o.seed));
    const backend = await initNodeTensorflow(o.backend);
    log(`profile ${profile.name}, ${o.episodes} episodes, seed ${o.seed}, backend ${backend} → ${dir}`);
    const r = runTraining({
      profile,
      episodes: o.episodes,
      seed: o.seed,
      grid: o.grid,
      config: configOverrides(o, fileConfig),
      dir,
      checkpointEvery: o.checkpointEvery,
      progress: o.progress,
      backend,
      log,
    });
    writeJson(`${dir}/train.json`, {
      profile: profile.name,
      seed: o.seed,
      episodes: o.episodes,
      backend,
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
