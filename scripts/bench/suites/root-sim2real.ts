/**
 * Sim-to-real: the same trial configs run live (an in-process lab: a private nats-server,
 * the coordinator, one edge and one headless receiver on the default bundle) and in
 * simulation (`semaigc trial run --sim`'s simulator, apps/cli/src/sim), and their mean
 * satisfaction compared per 3 dB SNR bucket.
 *
 *   0. a warm-up (not used: the first requests compile the ONNX sessions);
 *   1. before each compared trial, a calibration trial (the default lab's config with other
 *      seeds and prompts, no reference run): its records time the virtual nodes for the trial
 *      that follows (`--lab-timing`), so the simulator is timed under the load that trial
 *      meets, and never on the requests it is compared on;
 *   2. the default lab trial (infra/trials/snr-sweep.yaml, = `semaigc lab`'s default);
 *   3. the ROOT trials (infra/trials/root-online.yaml on the lab's own time scale, learning
 *      online and, as a control for the learner's own cost on the coordinator's event loop,
 *      frozen; root-paper-regime.yaml with steps padded to the paper's 0.2/0.368 s) from a
 *      paper-profile checkpoint trained here (or `checkpoint`).
 *
 * Rows: `sim-to-real max bucket gap` (median = the largest bucket gap over the compared
 * trials, target ≤ 0.05), one row per trial with its per-bucket values, and the control: the
 * live lab against itself (the learning and the frozen ROOT trials, same requests). The
 * records stay in <outDir>/sim2real/<stamp>/ and the tables in <outDir>/sim2real.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTrialConfig, startCoordinator, type TrialConfig, type TrialSummary } from '@semaigc/coordinator';
import { startEdge } from '@semaigc/edge';
import { createLogger, loadNodePipeline, startNatsServer } from '@semaigc/node-kit';
import { PAPER_PROFILE, checkpointOf, initTensorflow, trainD3qn } from '@semaigc/root';
import { startReceivers } from '@semaigc/receiver-node';
// The simulator is the CLI's (`semaigc trial run --sim`); the bench runs its sources.
import { compareSummaries, gapTable, type SummaryGap } from '../../../apps/cli/src/sim/sim-gap';
import { DEFAULT_SIM_CALIBRATION, runSimulated } from '../../../apps/cli/src/sim/sim-run';
import type { Row } from '../harness';

const REPO = path.resolve(__dirname, '..', '..', '..');
const DEFAULT_TRIAL_FILE = path.join(REPO, 'infra', 'trials', 'snr-sweep.yaml');
const ROOT_TRIAL_FILE = path.join(REPO, 'infra', 'trials', 'root-online.yaml');
const ROOT_PAPER_TRIAL_FILE = path.join(REPO, 'infra', 'trials', 'root-paper-regime.yaml');
const TARGET_GAP = 0.05;

export interface Sim2RealOptions {
  /** Fewer requests per trial (16 instead of 40). */
  quick: boolean;
  outDir: string;
  log: (line: string) => void;
  /** A ROOT checkpoint for the ROOT trial; default: one trained here on the paper profile. */
  checkpoint?: string;
  /** Episodes of that training (default 150). */
  episodes?: number;
  /** Requests per trial (default 40, 16 with `quick`). */
  requests?: number;
}

export interface Sim2RealResult {
  rows: Row[];
  extra: Record<string, unknown>;
}

/** A paper-profile checkpoint (seed 1), written into `dir`. */
async function trainCheckpoint(dir: string, episodes: number): Promise<string> {
  await initTensorflow('wasm');
  const run = trainD3qn({ profile: PAPER_PROFILE, episodes, seed: 1 });
  const file = path.join(dir, 'root-paper-checkpoint.json');
  fs.writeFileSync(file, JSON.stringify(checkpointOf(run, { id: `paper-sim2real-e${episodes}` })));
  run.agent.dispose();
  return file;
}

async function runLive(
  runsDir: string,
  trials: TrialConfig[],
  log: (l: string) => void,
): Promise<TrialSummary[]> {
  const logger = createLogger('sim2real', 'warn');
  const nats = await startNatsServer();
  const closers: (() => Promise<void>)[] = [() => nats.stop()];
  try {
    const coordinator = await startCoordinator({ natsUrl: nats.url, runsDir, logger });
    closers.push(() => coordinator.close());
    const pipeline = await loadNodePipeline({});
    closers.push(() => pipeline.release());
    const edge = await startEdge({ natsUrl: nats.url, id: 'edge-0', pipeline, logger });
    closers.push(() => edge.close());
    const rx = await startReceivers({ natsUrl: nats.url, count: 1, idPrefix: 'rx', pipeline, logger });
    closers.push(() => rx.close());
    const out: TrialSummary[] = [];
    for (const t of trials) {
      const s = await coordinator.runTrial(t);
      log(
        `sim2real: live ${t.name}: ${s.requests} requests, satisfaction ${s.satisfactionMean?.toFixed(3)} (${s.runDir})`,
      );
      out.push(s);
    }
    return out;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** Requests of two runs of the same trial that got the same split. */
async function sameSplits(a: TrialSummary, b: TrialSummary): Promise<number> {
  const splits = async (s: TrialSummary): Promise<Map<string, number>> => {
    const text = await fs.promises.readFile(s.files.records, 'utf8');
    const rows = text.split('\n').filter((l) => l.trim() !== '');
    return new Map(
      rows.map((l) => {
        const r = JSON.parse(l) as { requestId: string; edgeSteps: number };
        return [r.requestId.slice(r.requestId.lastIndexOf('-r')), r.edgeSteps];
      }),
    );
  };
  const [x, y] = [await splits(a), await splits(b)];
  return [...x].filter(([k, v]) => y.get(k) === v).length;
}

function gapRow(name: string, g: SummaryGap): Row {
  return {
    case: name,
    n: g.n,
    unit: 'satisfaction',
    median: g.maxGap === null ? null : Math.round(g.maxGap * 1e4) / 1e4,
    p10: null,
    p90: null,
    p99: null,
    target: `≤ ${TARGET_GAP}`,
    pass: g.maxGap !== null && g.maxGap <= TARGET_GAP,
    buckets: JSON.stringify(
      g.buckets.map((b) => ({
        bucket: b.bucket,
        live: b.live,
        sim: b.sim,
        gap: b.gap,
        nLive: b.liveRequests,
      })),
    ),
  };
}

/** Runs the live lab and the simulator on the same configs and returns the gap rows. */
export async function sim2RealRows(o: Sim2RealOptions): Promise<Sim2RealResult> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(o.outDir, 'sim2real', stamp);
  const liveDir = path.join(dir, 'live');
  const simDir = path.join(dir, 'sim');
  fs.mkdirSync(liveDir, { recursive: true });
  const requests = o.requests ?? (o.quick ? 16 : 40);
  const checkpoint = o.checkpoint ?? (await trainCheckpoint(dir, o.episodes ?? 150));
  const lab = await loadTrialConfig(DEFAULT_TRIAL_FILE);
  const rootOnline = await loadTrialConfig(ROOT_TRIAL_FILE);
  const rootPaper = await loadTrialConfig(ROOT_PAPER_TRIAL_FILE);
  const withCheckpoint = (c: TrialConfig): TrialConfig => ({ ...c, policy: { ...c.policy, checkpoint } });
  // Not compared: a warm-up (the first requests load and compile the ONNX sessions) and the
  // calibration runs that time the virtual nodes (other seeds and prompts, no reference run).
  const warmUp: TrialConfig = { ...lab, id: 'warm-up', name: 'sim2real warm-up', requestsPerReceiver: 4 };
  const calibrationCfg = (k: number): TrialConfig => ({
    ...lab,
    id: `calibration-${k}`,
    name: `sim2real calibration ${k}`,
    seeds: { base: 5000 + 1000 * k },
    prompts: { generator: 'grammar', seed: 5 + k, count: 40 },
    computeReference: false,
    requestsPerReceiver: requests,
  });
  const compared: [string, TrialConfig][] = [
    ['default lab', { ...lab, id: 'lab-default', requestsPerReceiver: requests }],
    [
      'ROOT online, lab time scale',
      withCheckpoint({ ...rootOnline, id: 'root-online', requestsPerReceiver: requests }),
    ],
    [
      'ROOT online, lab time scale, frozen network',
      withCheckpoint({
        ...rootOnline,
        id: 'root-online-frozen',
        requestsPerReceiver: requests,
        policy: { ...rootOnline.policy, learn: false },
      }),
    ],
    [
      'ROOT, paper regime (steps padded to 0.2/0.368 s)',
      withCheckpoint({ ...rootPaper, id: 'root-paper-regime', requestsPerReceiver: requests }),
    ],
  ];
  // warm-up, then (calibration k, compared k) pairs: live[1 + 2k] times live[2 + 2k].
  const live = await runLive(
    liveDir,
    [warmUp, ...compared.flatMap(([, c], k) => [calibrationCfg(k), c])],
    o.log,
  );
  const calibrationOf = (k: number): TrialSummary => live[1 + 2 * k]!;
  const liveOf = (k: number): TrialSummary => live[2 + 2 * k]!;
  const gaps: [string, SummaryGap][] = [];
  for (const [k, [name, cfg]] of compared.entries()) {
    const sim = await runSimulated(cfg, {
      calibration: DEFAULT_SIM_CALIBRATION,
      labTiming: calibrationOf(k).files.records,
      receivers: 1,
      edgeShare: 1,
      receiverShare: 1,
      runs: simDir,
    });
    const g = compareSummaries(liveOf(k), sim);
    o.log(`sim2real: ${name}\n${gapTable(g)}`);
    gaps.push([name, g]);
  }
  // The control: the live lab against itself. The learning and the frozen ROOT trials serve
  // the same requests (and, when the updates change no decision, with the same splits), so
  // their bucket gap is the live run-to-run spread the simulator cannot be expected to beat.
  const liveToLive = compareSummaries(liveOf(1), liveOf(2));
  const sameDecisions = await sameSplits(liveOf(1), liveOf(2));
  o.log(
    `sim2real: control, live vs live (${sameDecisions} of ${liveOf(1).requests} decisions equal)\n${gapTable(liveToLive)}`,
  );
  const worst = gaps.map(([, g]) => g.maxGap).filter((g): g is number => g !== null);
  const main: Row = {
    ...gapRow('sim-to-real max bucket gap', {
      ...gaps[0]![1],
      buckets: [],
      n: gaps.reduce((a, [, g]) => a + g.n, 0),
      maxGap: worst.length > 0 ? Math.max(...worst) : null,
    }),
    p10: worst.length > 0 ? Math.min(...worst) : null,
    p90: worst.length > 0 ? Math.max(...worst) : null,
    buckets: null,
  };
  const extra = {
    note: 'median = the largest |live − simulated| mean satisfaction over the 3 dB SNR buckets of every compared trial (p10/p90: the smallest/largest trial maximum); n = buckets compared',
    dir,
    checkpoint,
    calibration: compared.map((_, k) => calibrationOf(k).runDir),
    trials: Object.fromEntries(gaps.map(([name, g]) => [name, { ...g, table: gapTable(g) }])),
    control: { ...liveToLive, sameDecisions, table: gapTable(liveToLive) },
  };
  fs.writeFileSync(path.join(o.outDir, 'sim2real.json'), JSON.stringify(extra, null, 2) + '\n');
  return {
    rows: [
      main,
      ...gaps.map(([name, g]) => gapRow(`sim-to-real max bucket gap, ${name}`, g)),
      {
        ...gapRow('control: live vs live max bucket gap, ROOT online learning vs frozen', liveToLive),
        target: null,
        pass: null,
        sameDecisions,
      },
    ],
    extra,
  };
}
