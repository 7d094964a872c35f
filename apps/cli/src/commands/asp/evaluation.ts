/**
 * Everything `asp eval` measures, as plain rows (tables, CSVs and figures come from these).
 * Per replicate seed, every policy is scored on the same world and the same held-out
 * evaluation episodes (seeds.ts in @semaigc/asp); the learners are the checkpoints of
 * `asp train`.
 *
 * - results: Table III / V metrics per policy and seed, with decision times;
 * - curves:  the learners' test-reward curves (from checkpoint meta) and the heuristics'
 *            reward on the same validation episodes (flat lines): Fig. 5;
 * - rates:   every policy at other arrival rates λ (learners trained at 0.001): Fig. 6;
 * - sweep:   D2SAC trained with T denoising steps, scored like the rest: Fig. 7.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AspEnv,
  HEURISTIC_NAMES,
  LearnerPolicy,
  drawWorld,
  evaluatePolicy,
  evaluationEpisodeSeed,
  fromCheckpoint,
  heuristicPolicy,
  percentile,
  validationEpisodeSeed,
  worldSeed,
  type AspPolicy,
  type AspProfile,
  type EpochStats,
  type Learner,
  type LearnerCheckpoint,
  type PolicyScore,
} from '@semaigc/asp';
import { readJson } from '../../node/files';

export interface RunCheckpoint {
  file: string;
  policy: string;
  seed: number;
  /** Set for the denoising-step sweep (d2sac-T<k>-seed<s>.json). */
  sweep: number | null;
  checkpoint: LearnerCheckpoint;
}

export function loadCheckpoints(dir: string): RunCheckpoint[] {
  const folder = path.join(dir, 'checkpoints');
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const m = /^(dqn|sac|d2sac)(?:-T(\d+))?-seed(\d+)\.json$/.exec(file);
      if (!m) throw new Error(`${path.join(folder, file)}: not a <policy>[-T<k>]-seed<s>.json checkpoint`);
      const checkpoint = readJson(path.join(folder, file)) as LearnerCheckpoint;
      return { file, policy: m[1]!, seed: Number(m[3]), sweep: m[2] ? Number(m[2]) : null, checkpoint };
    });
}

export interface ResultRow extends PolicyScore {
  policy: string;
  seed: number;
  decisionMsP99: number;
}

export interface CurveRow {
  policy: string;
  seed: number;
  epoch: number;
  testReward: number;
}

export interface RateRow extends PolicyScore {
  policy: string;
  seed: number;
  arrivalRate: number;
}

export interface SweepRow extends PolicyScore {
  denoisingSteps: number;
  seed: number;
  trainWallS: number;
}

export interface EvaluationData {
  results: ResultRow[];
  curves: CurveRow[];
  rates: RateRow[];
  sweep: SweepRow[];
}

export interface EvaluateRunOptions {
  profile: AspProfile;
  seeds: number[];
  checkpoints: RunCheckpoint[];
  episodes: number;
  rates: number[];
  rateEpisodes: number;
  log: (line: string) => void;
}

/** The heuristics and the seed's trained learners (loaded once; dispose the learners after use). */
function policiesFor(
  seed: number,
  checkpoints: readonly RunCheckpoint[],
): { policies: AspPolicy[]; learners: Learner[] } {
  const learners = checkpoints
    .filter((c) => c.seed === seed && c.sweep === null)
    .map((c) => fromCheckpoint(c.checkpoint));
  return {
    policies: [
      ...HEURISTIC_NAMES.map((n) => heuristicPolicy(n, seed)),
      ...learners.map((l) => new LearnerPolicy(l, seed)),
    ],
    learners,
  };
}

function score(env: AspEnv, policy: AspPolicy, seeds: number[], times?: number[]): PolicyScore {
  return evaluatePolicy(env, policy, seeds, times ? (ms) => times.push(ms) : undefined);
}

export function evaluateRun(o: EvaluateRunOptions): EvaluationData {
  const data: EvaluationData = { results: [], curves: [], rates: [], sweep: [] };
  for (const seed of o.seeds) {
    const asps = drawWorld(o.profile, worldSeed(seed));
    const env = new AspEnv(o.profile, asps);
    const evalSeeds = Array.from({ length: o.episodes }, (_, k) => evaluationEpisodeSeed(seed, k));
    const { policies, learners } = policiesFor(seed, o.checkpoints);
    for (const p of policies) {
      const times: number[] = [];
      const s = score(env, p, evalSeeds, times);
      data.results.push({ policy: p.name, seed, ...s, decisionMsP99: percentile(times, 99) });
    }
    o.log(`seed ${seed}: ${policies.length} policies on ${o.episodes} evaluation episodes`);

    // Fig. 5: learner curves from their checkpoints; heuristics on the same validation episodes.
    for (const c of o.checkpoints.filter((c) => c.seed === seed && c.sweep === null)) {
      for (const e of (c.checkpoint.meta.history ?? []) as EpochStats[]) {
        if (e.testReward !== null)
          data.curves.push({ policy: c.policy, seed, epoch: e.epoch, testReward: e.testReward });
      }
    }
    const first = o.checkpoints.find((c) => c.seed === seed && c.sweep === null)?.checkpoint;
    const epochs = first ? first.config.epochs : 1;
    const validation = Array.from({ length: first?.config.testEpisodes ?? 1 }, (_, k) =>
      validationEpisodeSeed(seed, k),
    );
    for (const n of HEURISTIC_NAMES) {
      const r = score(env, heuristicPolicy(n, seed), validation).testReward;
      for (const epoch of [1, epochs]) data.curves.push({ policy: n, seed, epoch, testReward: r });
    }

    // Fig. 6: other arrival rates, the same world.
    for (const rate of o.rates) {
      const rateEnv = new AspEnv({ ...o.profile, arrivalRate: rate }, asps);
      const seeds = Array.from({ length: o.rateEpisodes }, (_, k) => evaluationEpisodeSeed(seed, k));
      for (const p of policies) {
        data.rates.push({ policy: p.name, seed, arrivalRate: rate, ...score(rateEnv, p, seeds) });
      }
    }

    // Fig. 7: the denoising-step sweep, with the main D2SAC run as its T point.
    const sweeping = o.checkpoints.some((c) => c.sweep !== null);
    const mainD2sac = o.checkpoints.find((c) => c.seed === seed && c.sweep === null && c.policy === 'd2sac');
    const mainRow = data.results.find((r) => r.seed === seed && r.policy === 'd2sac');
    if (sweeping && mainD2sac && mainRow) {
      const { policy: _p, seed: _s, decisionMsP99: _d, ...scoreOnly } = mainRow;
      data.sweep.push({
        denoisingSteps: mainD2sac.checkpoint.config.denoisingSteps,
        seed,
        trainWallS: Number(mainD2sac.checkpoint.meta.trainWallS),
        ...scoreOnly,
      });
    }
    for (const c of o.checkpoints.filter((c) => c.seed === seed && c.sweep !== null)) {
      const learner = fromCheckpoint(c.checkpoint);
      const s = score(env, new LearnerPolicy(learner, seed), evalSeeds);
      learner.dispose();
      data.sweep.push({
        denoisingSteps: c.sweep!,
        seed,
        trainWallS: Number(c.checkpoint.meta.trainWallS),
        ...s,
      });
    }
    for (const l of learners) l.dispose();
  }
  return data;
}
