/**
 * One learner on one replicate with the Node trimmings: a progress bar (or a log line every
 * tenth of the run when stderr is not a terminal), the checkpoint (whose meta carries the
 * test-reward curve, so `asp eval` draws Fig. 5 from checkpoints alone) and a CSV of the curve.
 */
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import {
  resolveTrainConfig,
  toCheckpoint,
  trainLearner,
  type AspProfile,
  type AspTrainConfig,
  type EpochStats,
  type LearnerName,
} from '@semaigc/asp';
import { writeCsv, writeJson } from '../../node/files';

export interface LearnerRunOptions {
  algorithm: LearnerName;
  profile: AspProfile;
  seed: number;
  config: Partial<AspTrainConfig>;
  /** The run directory; files go to checkpoints/ and training/. */
  dir: string;
  fileName: string;
  progress: boolean;
  backend: string;
  log: (line: string) => void;
}

export interface LearnerRunResult {
  wallS: number;
  finalTestReward: number | null;
  file: string;
}

export function runLearner(o: LearnerRunOptions): LearnerRunResult {
  const label = `${o.fileName.replace(/\.json$/, '')}`;
  const useBar = o.progress && process.stderr.isTTY === true;
  const bar = useBar
    ? new SingleBar({
        format: `${label.padEnd(20)} |{bar}| {value}/{total} steps | test reward {test} | critic loss {loss} | {duration_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      })
    : null;
  const started = performance.now();
  const wallAt: number[] = [];
  const total = resolveTrainConfig(o.config).epochs;
  bar?.start(total, 0, { test: '-', loss: '-' });
  let lastTest: number | null = null;
  const result = trainLearner({
    algorithm: o.algorithm,
    profile: o.profile,
    seed: o.seed,
    config: o.config,
    onEpoch: (e: EpochStats) => {
      wallAt.push((performance.now() - started) / 1000);
      if (e.testReward !== null) lastTest = e.testReward;
      const test = lastTest === null ? '-' : lastTest.toFixed(1);
      if (bar)
        bar.update(e.epoch, { test, loss: Number.isFinite(e.criticLoss) ? e.criticLoss.toFixed(4) : '-' });
      else if (e.epoch % Math.max(1, Math.round(total / 10)) === 0 || e.epoch === total) {
        o.log(
          `${label}: step ${e.epoch}/${total}, test reward ${test}, ${wallAt[wallAt.length - 1]!.toFixed(1)} s`,
        );
      }
    },
  });
  bar?.stop();
  const wallS = (performance.now() - started) / 1000;
  const history = result.history.map((e, i) => ({ ...e, wallS: wallAt[i] ?? null }));
  const file = path.join(o.dir, 'checkpoints', o.fileName);
  writeJson(
    file,
    toCheckpoint(result.learner, {
      profile: o.profile,
      seed: o.seed,
      backend: o.backend,
      trainWallS: Math.round(wallS * 100) / 100,
      createdAt: new Date().toISOString(),
      history,
    }),
  );
  writeCsv(
    path.join(o.dir, 'training', o.fileName.replace(/\.json$/, '.csv')),
    history.map((e) => ({
      policy: o.algorithm,
      seed: o.seed,
      denoisingSteps: result.config.denoisingSteps,
      epoch: e.epoch,
      envSteps: e.envSteps,
      updates: e.updates,
      testReward: e.testReward,
      trainReward: e.trainReward,
      criticLoss: e.criticLoss,
      actorLoss: e.actorLoss,
      wallS: e.wallS,
    })),
  );
  result.learner.dispose();
  return { wallS, finalTestReward: lastTest, file };
}
