/**
 * `npm run bench -- asp [--run <dir>] [--episodes 3] [--seeds 1,2,3,4,5] [--quick] [--live
 * [--live-profile <file>] [--live-run <dir>] [--live-trials <k>]]` (build first:
 * `npx tsc -b packages/asp`): every ASP-selection policy on the D2SAC paper's setting
 * (profile agod-code), one row per policy with the Table III / V metrics; with --live, the
 * live lab's rows too (asp-live.ts).
 *
 * Learners come from the checkpoints of `semaigc asp train` in --run (default
 * runs/asp/latest); a learner without a checkpoint for a seed is left out for that seed (its
 * row's n says how many seeds it has). With --quick they are trained here on the tiny
 * --quick budget instead, and the rows say so (`budget`). Per replicate seed every policy meets
 * the same world and the same held-out evaluation episodes; a row's metric is the mean over
 * seeds of each seed's mean over episodes (testRewardCi95: the 95% half-width over seeds).
 * decisionMsP99 is the 99th percentile of the wall time of single `decide` calls (plain-JS
 * forward passes for the learners; D2SAC runs its 5 denoising steps per decision).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AGOD_CODE_PROFILE,
  AspEnv,
  HEURISTIC_NAMES,
  LEARNER_NAMES,
  LearnerPolicy,
  QUICK_BUDGET,
  drawWorld,
  evaluatePolicy,
  evaluationEpisodeSeed,
  fromCheckpoint,
  heuristicPolicy,
  interval95,
  resolveTrainConfig,
  toCheckpoint,
  trainLearner,
  worldSeed,
  type AspPolicy,
  type AspProfile,
  type Learner,
  type LearnerCheckpoint,
  type PolicyScore,
} from '@semaigc/asp';
import { initTensorflow } from '@semaigc/root';
import { type Row, type SuiteContext, type SuiteResult, summarize } from '../harness';
import { liveRows } from './asp-live';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

function wasmPaths(): string {
  return (
    path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep
  );
}

/** The learner for (policy, seed): the run's checkpoint, one trained on the quick budget, or none. */
function learnerFor(
  dir: string,
  policy: (typeof LEARNER_NAMES)[number],
  seed: number,
  profile: AspProfile,
  quick: boolean,
): { learner: Learner; budget: string } | null {
  const file = path.join(dir, 'checkpoints', `${policy}-seed${seed}.json`);
  if (!quick) {
    if (!fs.existsSync(file)) return null;
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as LearnerCheckpoint;
    const cfg = resolveTrainConfig(c.config);
    return {
      learner: fromCheckpoint(c),
      budget: `${cfg.epochs}x${cfg.stepsPerEpoch} transitions, ${cfg.epochs * cfg.updatesPerEpoch} updates of ${cfg.batchSize}`,
    };
  }
  const r = trainLearner({ algorithm: policy, profile, seed, config: QUICK_BUDGET });
  // Through the checkpoint form, as a loaded learner would act.
  const learner = fromCheckpoint(JSON.parse(JSON.stringify(toCheckpoint(r.learner))));
  r.learner.dispose();
  return { learner, budget: 'quick (untrained: smoke only)' };
}

export default async function asp(ctx: SuiteContext): Promise<SuiteResult> {
  const quick = ctx.args.includes('--quick');
  const dir = path.resolve(option(ctx.args, '--run') ?? path.join('runs', 'asp', 'latest'));
  const episodes = Number(option(ctx.args, '--episodes') ?? (quick ? 1 : 3));
  const seeds = (option(ctx.args, '--seeds') ?? (quick ? '1,2' : '1,2,3,4,5')).split(',').map(Number);
  const profile = AGOD_CODE_PROFILE;
  await initTensorflow('wasm', { wasmPaths: wasmPaths() });
  const loadBefore = os.loadavg();

  const scores = new Map<string, PolicyScore[]>();
  const times = new Map<string, number[]>();
  const budgets = new Map<string, string>();
  for (const seed of seeds) {
    const env = new AspEnv(profile, drawWorld(profile, worldSeed(seed)));
    const evalSeeds = Array.from({ length: episodes }, (_, k) => evaluationEpisodeSeed(seed, k));
    const policies: AspPolicy[] = HEURISTIC_NAMES.map((n) => heuristicPolicy(n, seed));
    const learners: Learner[] = [];
    for (const name of LEARNER_NAMES) {
      const l = learnerFor(dir, name, seed, profile, quick);
      if (!l) continue;
      learners.push(l.learner);
      budgets.set(name, l.budget);
      policies.push(new LearnerPolicy(l.learner, seed));
    }
    for (const p of policies) {
      const t = times.get(p.name) ?? [];
      const s = evaluatePolicy(env, p, evalSeeds, (ms) => t.push(ms));
      times.set(p.name, t);
      scores.set(p.name, [...(scores.get(p.name) ?? []), s]);
    }
    for (const l of learners) l.dispose();
    ctx.log(`seed ${seed}: ${policies.length} policies on ${episodes} episodes`);
  }

  const rows: Row[] = [...scores.entries()].map(([policy, s]) => {
    const mean = (k: keyof PolicyScore): number => interval95(s.map((x) => x[k])).mean;
    const reward = interval95(s.map((x) => x.testReward));
    const t = summarize(times.get(policy)!);
    return {
      policy,
      testReward: round(reward.mean, 1),
      testRewardCi95: Number.isNaN(reward.half) ? null : round(reward.half, 1),
      finishRate: round(mean('finishRate')),
      crashRate: round(mean('crashRate')),
      utility: round(mean('utility'), 1),
      decisionMsP99: round(t.p99),
      decisionMsMedian: round(t.median),
      n: s.length,
      episodesPerSeed: episodes,
      budget: budgets.get(policy) ?? 'none (rule)',
    };
  });
  // The live lab's rows (asp-live.ts): a short 4-edge crash trial per selector.
  if (ctx.args.includes('--live')) {
    const profileFile = option(ctx.args, '--live-profile');
    const runDir = option(ctx.args, '--live-run');
    const trials = Number(option(ctx.args, '--live-trials') ?? 1);
    if (!Number.isInteger(trials) || trials < 1) throw new TypeError('--live-trials must be an integer >= 1');
    rows.push(
      ...(await liveRows(ctx, {
        trials,
        ...(profileFile ? { profileFile } : {}),
        ...(runDir ? { runDir } : {}),
      })),
    );
  }
  return {
    rows,
    extra: {
      profile: profile.name,
      seeds,
      run: quick ? null : dir,
      paper:
        'D2SAC paper Table III test reward: random -35, round-robin 280, crash-avoid 400, prophet 596, dqn 503, sac 436, d2sac 537',
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
      note: 'n counts replicate seeds (worlds); the prophet knows every utility in advance (an upper bound as the papers define it).',
    },
  };
}
