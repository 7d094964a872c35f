/**
 * The live rows of `npm run bench -- asp --live [--live-profile <calibrated.json>]
 * [--live-run <dir>] [--live-trials <k>]`: short trials on a real lab (private nats-server,
 * coordinator, 4 edges of the default bundle, 2 headless receivers) under crash semantics
 * (infra/trials/asp-crash.yaml), once per selector and trial, on the same seeded requests.
 *
 * The edges are the lab that `semaigc lab --calibrate` measured for packages/asp/profiles/
 * lab-4edges.json: capacities 20, 20, 30, 40 steps, compute shares 1, 1, 0.5, 0.5 and
 * guidance 7.5, 3, 1, 0.5; a profile whose capacities differ is refused (its curves would
 * describe other edges).
 *
 * Trial k (0 … k−1) uses request seed base 2000 + 1000·k for every selector, and the
 * selectors take turns within a trial, so drifts in the machine's load fall on all of them.
 * The learners (dqn, sac, d2sac) need a checkpoint trained on the profile: --live-run's
 * checkpoints/<policy>-seed<s>.json, trial k taking the k-th of the seeds found (cycling).
 * The prophet and the utilities need the profile's curves; without a profile the prophet and
 * the learners are left out and utility is null.
 *
 * Rows carry the simulated rows' fields plus `live: true`: testReward, finishRate, crashRate,
 * rejectRate and utility from the records (@semaigc/asp liveScore), mean over trials with the
 * 95% half-width of the test reward; decisionMsP99 is not measured live (null); n counts trials.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  LEARNER_NAMES,
  interval95,
  liveScore,
  parseCalibratedProfile,
  type LiveScore,
  type QualityCurve,
} from '@semaigc/asp';
import { loadTrialConfig, startCoordinator } from '@semaigc/coordinator';
import { startEdge } from '@semaigc/edge';
import { createLogger, loadNodePipeline, startNatsServer } from '@semaigc/node-kit';
import { parseRecord } from '@semaigc/protocol';
import { startReceivers } from '@semaigc/receiver-node';
import type { Row, SuiteContext } from '../harness';
import { benchBundleDir } from '../lib/bundle';

const CAPACITIES = [20, 20, 30, 40];
const SHARES = [1, 1, 0.5, 0.5];
const GUIDANCE = [7.5, 3, 1, 0.5];
const SEED_BASE = 2000;

export interface LiveOptions {
  profileFile?: string;
  /** A run directory of `semaigc asp train --profile <profileFile>` (checkpoints/). */
  runDir?: string;
  trials: number;
}

/** Seeds with a checkpoint of `policy` in `runDir`, ascending. */
function checkpointSeeds(runDir: string, policy: string): number[] {
  const dir = path.join(runDir, 'checkpoints');
  if (!fs.existsSync(dir)) return [];
  const re = new RegExp(`^${policy}-seed(\\d+)\\.json$`);
  return fs
    .readdirSync(dir)
    .map((f) => re.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function readCurves(profileFile: string | undefined): Map<string, QualityCurve> {
  const curves = new Map<string, QualityCurve>();
  if (!profileFile) return curves;
  const file = parseCalibratedProfile(
    JSON.parse(fs.readFileSync(profileFile, 'utf8')) as unknown,
    profileFile,
  );
  const caps = file.edges.map((e) => e.capacity);
  if (caps.join(',') !== CAPACITIES.join(','))
    throw new TypeError(
      `${profileFile}: edges have capacities ${caps.join(',')}, the live bench's lab ${CAPACITIES.join(',')}`,
    );
  for (const e of file.edges) curves.set(e.edgeId, e.curve);
  return curves;
}

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

function row(selector: string, scores: LiveScore[], extra: Row, withCurves: boolean): Row {
  const mean = (k: keyof LiveScore): number => interval95(scores.map((s) => s[k])).mean;
  const reward = interval95(scores.map((s) => s.reward));
  return {
    policy: selector,
    live: true,
    testReward: withCurves ? round(reward.mean, 3) : null,
    testRewardCi95: withCurves && !Number.isNaN(reward.half) ? round(reward.half, 3) : null,
    finishRate: round(mean('finishRate')),
    crashRate: round(mean('crashRate')),
    rejectRate: round(mean('rejectRate')),
    utility: withCurves ? round(mean('utility'), 3) : null,
    penalty: round(mean('penalty'), 3),
    decisionMsP99: null,
    n: scores.length,
    requests: scores.reduce((a, s) => a + s.tasks, 0),
    ...extra,
  };
}

export async function liveRows(ctx: SuiteContext, o: LiveOptions): Promise<Row[]> {
  const curves = readCurves(o.profileFile);
  const learners = LEARNER_NAMES.map((p) => ({
    policy: p,
    seeds: o.runDir && curves.size > 0 ? checkpointSeeds(o.runDir, p) : [],
  })).filter((l) => l.seeds.length > 0);
  const selectors = [
    'random',
    'round-robin',
    'crash-avoid',
    ...(curves.size > 0 ? ['prophet'] : []),
    ...learners.map((l) => l.policy),
  ];
  const logger = createLogger('bench', 'error');
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-bench-asp-live-'));
  const bundleDir = benchBundleDir();
  const nats = await startNatsServer();
  const closers: (() => Promise<void>)[] = [];
  try {
    const coordinator = await startCoordinator({ natsUrl: nats.url, runsDir, bundleDir, logger, port: 0 });
    closers.push(() => coordinator.close());
    const pipeline = await loadNodePipeline({ bundleDir });
    closers.push(() => pipeline.release());
    for (let i = 0; i < CAPACITIES.length; i++) {
      const id = `edge-${i}`;
      const curve = curves.get(id);
      const e = await startEdge({
        natsUrl: nats.url,
        id,
        pipeline,
        logger,
        computeShare: SHARES[i]!,
        capacitySteps: CAPACITIES[i]!,
        guidanceScale: GUIDANCE[i]!,
        ...(curve ? { qualityProfile: curve } : {}),
      });
      closers.push(() => e.close());
    }
    const rx = await startReceivers({ natsUrl: nats.url, count: 2, idPrefix: 'rx', pipeline, logger });
    closers.push(() => rx.close());
    const base = await loadTrialConfig(path.resolve('infra', 'trials', 'asp-crash.yaml'));
    const scores = new Map<string, LiveScore[]>(selectors.map((s) => [s, []]));
    const used = new Map<string, number[]>();
    for (let k = 0; k < o.trials; k++) {
      for (const selector of selectors) {
        const learner = learners.find((l) => l.policy === selector);
        const ckptSeed = learner ? learner.seeds[k % learner.seeds.length]! : null;
        if (ckptSeed !== null) used.set(selector, [...(used.get(selector) ?? []), ckptSeed]);
        const summary = await coordinator.runTrial({
          ...base,
          id: undefined,
          name: `asp-live-${selector}-t${k}`,
          seeds: { base: SEED_BASE + 1000 * k },
          edgeSelector: selector,
          requestsPerReceiver: 15,
          aspSelector: {
            ...base.aspSelector,
            profile: o.profileFile ? path.resolve(o.profileFile) : null,
            checkpoint:
              ckptSeed !== null
                ? path.resolve(o.runDir!, 'checkpoints', `${selector}-seed${ckptSeed}.json`)
                : null,
          },
        });
        const records = fs
          .readFileSync(summary.files.records, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => parseRecord(JSON.parse(l)));
        const s = liveScore(records, curves);
        scores.get(selector)!.push(s);
        ctx.log(
          `live trial ${k} ${selector}: ${s.tasks} requests, finished ${s.finishRate.toFixed(3)}, crashed ${s.crashRate.toFixed(3)}, reward ${s.reward.toFixed(2)}`,
        );
      }
    }
    return selectors.map((selector) =>
      row(
        selector,
        scores.get(selector)!,
        {
          budget: used.has(selector) ? `checkpoint seeds ${used.get(selector)!.join(',')}` : 'none (rule)',
          seedBases: Array.from({ length: o.trials }, (_, k) => SEED_BASE + 1000 * k).join(','),
        },
        curves.size > 0,
      ),
    );
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await nats.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}
