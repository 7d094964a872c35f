/**
 * One training run with the Node trimmings: a progress bar with the episode reward (or a
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
  type GridName,
  type ServiceProfile,
} from '@semaigc/root';
import { writeCsv, writeJson } from '../node/files';

export interface TrainingRunOptions {
  profile: ServiceProfile;
  episodes: number;
  seed: number;
  grid: GridName | number[];
  config: Partial<D3qnConfig>;
  dir: string;
  checkpointEvery: number;
  progress: boolean;
  backend: string;
  log: (line: string) => void;
}

export interface TrainingRunResult {
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

export function runTraining(o: TrainingRunOptions): TrainingRunResult {
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
  const meta = { backend: o.backend, createdAt: new Date().toISOString() };

  const run = trainD3qn({
    profile: o.profile,
    episodes: o.episodes,
    seed: o.seed,
    grid: o.grid,
    config: o.config,
    onEpisode: (e, state) => {
      const wall = (performance.now() - started) / 1000;
      wallAt.push(wall);
      const recent = state.history.slice(-10);
      const mean = recent.reduce((s, r) => s + r.reward, 0) / recent.length;
      const done = e.episode + 1;
      if (bar) {
        bar.update(done, { reward: e.reward.toFixed(3), mean: mean.toFixed(3), eps: e.epsilon.toFixed(2) });
      } else if (done % 10 === 0 || done === o.episodes) {
        o.log(
          `episode ${done}/${o.episodes}: reward ${e.reward.toFixed(3)} (10-ep mean ${mean.toFixed(3)}), ε ${e.epsilon.toFixed(2)}, ${wall.toFixed(1)} s`,
        );
      }
      if (o.checkpointEvery > 0 && done % o.checkpointEvery === 0 && done < o.episodes) {
        const file = path.join(o.dir, 'checkpoints', `ep-${String(done).padStart(4, '0')}.json`);
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
  const checkpointPath = path.join(o.dir, 'checkpoint.json');
  writeJson(checkpointPath, checkpoint);
  writeCsv(
    path.join(o.dir, 'training.csv'),
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
    checkpoint,
    checkpointPath,
    history: run.history,
    wallS,
    convergedAt: conv.episodes,
    wallToConvergenceS: conv.episodes !== null ? (wallAt[conv.episodes - 1] ?? null) : null,
    finalReward: conv.finalReward,
  };
}
