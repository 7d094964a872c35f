/**
 * One training run from `root train`'s options (also `root eval` without --checkpoint),
 * with the Node trimmings: the tfjs backend, a progress bar with the episode reward (or a
 * log line every 10 episodes when stderr is not a terminal or with --no-progress),
 * periodic checkpoints, training.csv, and the final checkpoint.json whose meta carries
 * the training curve (so `root eval` can draw Fig. 6 from the checkpoint alone).
 */
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import {
  checkpointOf,
  convergence,
  trainD3qn,
  type D3qnCheckpoint,
  type D3qnConfig,
  type EpisodeStats,
  type ServiceProfile,
} from '@semaigc/root';
import { configOverrides, type CommonOptions, type TrainingOptions } from '../commands/root/options';
import { readJson, writeCsv, writeJson } from '../node/files';
import { initNodeTensorflow } from '../node/tf-node';

export interface TrainingRunOptions {
  profile: ServiceProfile;
  /** The command's options: episodes, seed, grid, hyperparameters, --config, backend, progress. */
  options: CommonOptions & TrainingOptions;
  dir: string;
  log: (line: string) => void;
}

export interface TrainingRunResult {
  /** The tfjs backend it trained on. */
  backend: string;
  checkpoint: D3qnCheckpoint;
  checkpointPath: string;
  history: EpisodeStats[];
  wallS: number;
  /** Episodes to 95% of the final reward (null: never). */
  convergedAt: number | null;
  /** Wall time at that episode, s. */
  wallToConvergenceS: number | null;
  finalReward: number;
}

export async function runTraining(run: TrainingRunOptions): Promise<TrainingRunResult> {
  const { options: opt, profile, dir, log } = run;
  const backend = await initNodeTensorflow(opt.backend);
  const fileConfig = opt.config ? (readJson(opt.config) as Partial<D3qnConfig>) : {};
  log(
    `training: profile ${profile.name}, ${opt.episodes} episodes, seed ${opt.seed}, backend ${backend} → ${dir}`,
  );
  return train(run, configOverrides(opt, fileConfig), backend);
}

/** The training loop with its progress display and files. */
function train(job: TrainingRunOptions, config: Partial<D3qnConfig>, backend: string): TrainingRunResult {
  const { options: o, profile, dir, log } = job;
  const useBar = o.progress && process.stderr.isTTY === true;
  const bar = useBar
    ? new SingleBar({
        format:
          'train |{bar}| {value}/{total} episodes | reward {reward} (10-ep mean {mean}) | ε {eps} | {duration_formatted}',
        stream: process.stderr,
        hideCursor: true,
      })
    : null;
  bar?.start(o.episodes, 0, { reward: '-', mean: '-', eps: '1.00' });
  const started = performance.now();
  const wallAt: number[] = [];
  const meta = { backend, createdAt: new Date().toISOString() };

  const run = trainD3qn({
    profile,
    episodes: o.episodes,
    seed: o.seed,
    grid: o.grid,
    config,
    onEpisode: (e, state) => {
      const wall = (performance.now() - started) / 1000;
      wallAt.push(wall);
      const recent = state.history.slice(-10);
      const mean = recent.reduce((s, r) => s + r.reward, 0) / recent.length;
      const done = e.episode + 1;
      if (bar) {
        bar.update(done, { reward: e.reward.toFixed(3), mean: mean.toFixed(3), eps: e.epsilon.toFixed(2) });
      } else if (done % 10 === 0 || done === o.episodes) {
        log(
          `episode ${done}/${o.episodes}: reward ${e.reward.toFixed(3)} (10-ep mean ${mean.toFixed(3)}), ε ${e.epsilon.toFixed(2)}, ${wall.toFixed(1)} s`,
        );
      }
      if (o.checkpointEvery > 0 && done % o.checkpointEvery === 0 && done < o.episodes) {
        const file = path.join(dir, 'checkpoints', `ep-${String(done).padStart(4, '0')}.json`);
        writeJson(file, checkpointOf(state, meta));
      }
    },
  });
  bar?.stop();
  const wallS = (performance.now() - started) / 1000;
  const conv = convergence(run.history.map((e) => e.reward));
  const checkpoint = checkpointOf(run, {
    ...meta,
    trainWallS: Math.round(wallS * 100) / 100,
    convergedAt: conv.episodes,
    finalReward: conv.finalReward,
  });
  const checkpointPath = path.join(dir, 'checkpoint.json');
  writeJson(checkpointPath, checkpoint);
  writeCsv(
    path.join(dir, 'training.csv'),
    run.history.map((e, i) => ({
      episode: e.episode + 1,
      reward: e.reward,
      meanEdgeSteps: e.meanEdgeSteps,
      epsilon: e.epsilon,
      loss: Number.isNaN(e.loss) ? null : e.loss,
      steps: e.steps,
      wallS: wallAt[i] ?? null,
    })),
  );
  run.agent.dispose();
  return {
    backend,
    checkpoint,
    checkpointPath,
    history: run.history,
    wallS,
    convergedAt: conv.episodes,
    wallToConvergenceS: conv.episodes !== null ? (wallAt[conv.episodes - 1] ?? null) : null,
    finalReward: conv.finalReward,
  };
}
