/**
 * `npm run bench -- root [--quick] [--paper-seeds 1] [--episodes 300] [--seeds 1,2,3,4,5]
 * [--single-episodes 400] [--contention-episodes 200] [--eval-episodes 40] [--lookahead-episodes 10]
 * [--scenarios single,contention,heavy] [--parts paper,scenarios,sim2real] [--no-cache]`
 * (build first: `npx tsc -b packages/root`): ROOT on the paper profile (1–4), in the
 * scenarios (5) and sim vs live (6).
 *
 * `--parts` runs some parts only; the rows of the parts not run are carried over from the
 * existing runs/bench/root.json, each marked `carried` with that run's date and commit, so
 * the file always holds every row. Scenario seeds are cached in runs/bench/root-scenarios/
 * (root/seed-cache.ts) unless `--no-cache`.
 *
 *  1. decision: `D3qnPolicy.decide` of a trained 7-256-256-(1+10) network (plain-JS forward
 *     pass) on 20 000 evaluation requests, one at a time; per-call wall time, and CPU time per
 *     call over rounds of 500. Target: p99 ≤ 0.5 ms.
 *  2. one D3QN update (batch 64, double-DQN target + Adam step) on the wasm backend and on
 *     the pure-JS cpu backend: per-update wall and CPU time (the backend choice in tf-setup.ts).
 *  3. training to convergence: `trainD3qn` with DEFAULT_D3QN_CONFIG for `episodes` episodes
 *     per seed; wall time to the episode at which the 10-episode trailing mean first reaches
 *     95% of the final reward (mean of the last 20), the whole run's wall and CPU time, and
 *     that episode count. Targets: ≤ 120 s wall, ≤ 350 episodes (aim ≤ 200).
 *  4. quality of the trained policy: mean expected satisfaction with the SNR pinned at
 *     −6, −3, …, 15 dB (other conditions drawn as in training, 640 requests per point,
 *     evaluation seed 1001), ROOT / oracle at the worst point, and whether ROOT is at least
 *     as good as every baseline at every point. Target: ≥ 0.97 of the oracle, ≥ every baseline.
 *
 *  5. the scenarios (root/scenarios.ts): measured quality surfaces, one physical layer, the
 *     single-request and the contention scenario; ROOT (γ 0, and γ 0.99 under contention),
 *     LinUCB, the paper's baselines, random, two deadline-greedy rules and the myopic oracle
 *     over training seeds `--seeds`, with 95% intervals; the assumed table's ±30% sweep.
 *
 * The machine is shared: rows carry CPU seconds next to wall seconds, and the load average
 * before and after the suite is stored in the JSON's extra.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import {
  D3qnAgent,
  D3qnPolicy,
  DEFAULT_D3QN_CONFIG,
  PAPER_PROFILE,
  ReplayBuffer,
  baselinePolicies,
  createRng,
  drawConditions,
  evaluateAt,
  initTensorflow,
  parseCheckpoint,
  checkpointOf,
  convergence,
  trainD3qn,
  type TfBackend,
} from '@semaigc/root';
import { type Row, type SuiteContext, type SuiteResult, summarize } from '../harness';
import { numberArg, suiteArgs } from '../lib/args';
import { carryRows, type Part } from './root/carry';
import { SCENARIO_KEYS, scenarioBench, type ScenarioKey } from './root/scenarios';
import { sim2RealRows } from './root-sim2real';

const SNR_POINTS = [-6, -3, 0, 3, 6, 9, 12, 15];
/** Scenario training: the paper's network halved (128-128) to fit 15 runs in the bench's budget. */
const SCENARIO_CONFIG = { hiddenUnits: [128, 128] };
const EVAL_SEED = 1001;

const round = (x: number, digits = 4): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Process CPU milliseconds (user + system) since `since`. */
function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

async function updateTimes(backend: TfBackend, n: number): Promise<{ wall: number[]; cpu: number[] }> {
  await initTensorflow(backend);
  const agent = new D3qnAgent(7, 10, DEFAULT_D3QN_CONFIG, createRng(1));
  const buffer = new ReplayBuffer(1024, 7);
  const rng = createRng(2);
  for (let i = 0; i < 1024; i++) {
    const x = Float32Array.from({ length: 7 }, () => rng.uniform());
    buffer.add(x, rng.int(10), rng.uniform(), x, rng.uniform() < 0.05);
  }
  for (let i = 0; i < 10; i++) agent.learn(buffer.sample(64, rng)); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const batch = buffer.sample(64, rng);
    const c = process.cpuUsage();
    const t = performance.now();
    agent.learn(batch);
    wall.push(performance.now() - t);
    cpu.push(cpuMs(c));
  }
  agent.dispose();
  return { wall, cpu };
}

interface PaperPart {
  rows: Row[];
  extra: Record<string, unknown>;
}

/** Parts 1–4: ROOT on the paper profile (timed rows: run them on a quiet machine). */
async function paperPart(
  ctx: SuiteContext,
  quick: boolean,
  seeds: number[],
  episodes: number,
): Promise<PaperPart> {
  const rows: Row[] = [];
  // 2. update cost per backend (cpu first, then wasm stays active for the rest).
  ctx.log('D3QN update, batch 64: cpu backend');
  const cpuBackend = await updateTimes('cpu', quick ? 10 : 30);
  ctx.log('D3QN update, batch 64: wasm backend');
  const wasmBackend = await updateTimes('wasm', quick ? 50 : 200);
  for (const [backend, t] of [
    ['cpu', cpuBackend],
    ['wasm', wasmBackend],
  ] as const) {
    for (const [clock, xs] of [
      ['wall', t.wall],
      ['CPU', t.cpu],
    ] as const) {
      const s = summarize(xs);
      rows.push({
        case: `update, batch 64, ${backend} backend (${clock})`,
        n: s.n,
        unit: clock === 'wall' ? 'ms' : 'cpu-ms',
        median: round(s.median, 2),
        p10: round(s.p10, 2),
        p90: round(s.p90, 2),
        p99: round(s.p99, 2),
        target: null,
        pass: null,
      });
    }
  }

  // 3 + 4. training and the trained policy, per seed.
  const conv: number[] = [];
  const wallToConv: number[] = [];
  const wallAll: number[] = [];
  const cpuAll: number[] = [];
  const minRatio: number[] = [];
  let beatAll = 0;
  let decisionTimes: number[] = [];
  const decisionCpu: number[] = [];
  const perSeed: Record<string, unknown>[] = [];
  for (const seed of seeds) {
    ctx.log(`training seed ${seed}: ${episodes} episodes`);
    const wallAt: number[] = [];
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const run = trainD3qn({
      profile: PAPER_PROFILE,
      episodes,
      seed,
      onEpisode: () => void wallAt.push((performance.now() - t0) / 1000),
    });
    const cpuS = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 2e6;
    const wallS = (performance.now() - t0) / 1000;
    const rewards = run.history.map((e) => e.reward);
    const cv = convergence(rewards);
    const ckpt = parseCheckpoint(JSON.parse(JSON.stringify(checkpointOf(run))));
    run.agent.dispose();
    const policy = D3qnPolicy.fromCheckpoint(ckpt);

    const ratios: number[] = [];
    let beats = true;
    const points: Record<string, number>[] = [];
    for (const snrDb of SNR_POINTS) {
      const res = evaluateAt(
        PAPER_PROFILE,
        [policy, ...baselinePolicies(PAPER_PROFILE, ckpt.grid, EVAL_SEED)],
        {
          seed: EVAL_SEED,
          episodes: 20,
          pin: { snrDb },
        },
      );
      const sat = Object.fromEntries(res.map((r) => [r.policy, r.satisfaction]));
      ratios.push(sat.root! / sat.oracle!);
      const best = Math.max(
        ...res.filter((r) => r.policy !== 'root' && r.policy !== 'oracle').map((r) => r.satisfaction),
      );
      if (sat.root! < best - 1e-9) beats = false;
      points.push({ snrDb, ...sat });
    }
    if (beats) beatAll++;
    conv.push(cv.episodes ?? Infinity);
    wallToConv.push(cv.episodes !== null ? wallAt[cv.episodes - 1]! : Infinity);
    wallAll.push(wallS);
    cpuAll.push(cpuS);
    minRatio.push(Math.min(...ratios));
    perSeed.push({ seed, wallS, cpuS, convergedAt: cv.episodes, finalReward: cv.finalReward, points });

    // 1. decision time, on the first seed's policy: per call (wall), and per call averaged
    // over rounds of 500 calls on the process CPU clock (which other processes' load does not
    // inflate; the CPU clock is too coarse for single calls).
    if (decisionTimes.length === 0) {
      const requests = drawConditions(PAPER_PROFILE, EVAL_SEED, quick ? 200 : 625);
      for (const c of requests.slice(0, 500)) policy.decide(c); // warm-up
      decisionTimes = requests.map((c) => {
        const t = performance.now();
        policy.decide(c);
        return performance.now() - t;
      });
      for (let r = 0; r + 500 <= requests.length; r += 500) {
        const c0 = process.cpuUsage();
        for (let i = r; i < r + 500; i++) policy.decide(requests[i]!);
        decisionCpu.push(cpuMs(c0) / 500);
      }
    }
  }

  const d = summarize(decisionTimes);
  rows.unshift({
    case: 'decision (D3qnPolicy.decide, 256-256 net)',
    n: d.n,
    unit: 'ms',
    median: round(d.median, 4),
    p10: round(d.p10, 4),
    p90: round(d.p90, 4),
    p99: round(d.p99, 4),
    target: '≤ 0.5 ms p99',
    pass: d.p99 <= 0.5,
  });
  const dc = summarize(decisionCpu);
  rows.splice(1, 0, {
    case: 'decision, CPU per call (rounds of 500)',
    n: dc.n,
    unit: 'cpu-ms',
    median: round(dc.median, 4),
    p10: round(dc.p10, 4),
    p90: round(dc.p90, 4),
    p99: round(dc.p99, 4),
    target: '≤ 0.5 ms',
    pass: dc.p99 <= 0.5,
  });
  const row = (
    label: string,
    xs: number[],
    unit: string,
    target: string | null,
    pass: boolean | null,
  ): Row => {
    const s = summarize(xs);
    return {
      case: label,
      n: s.n,
      unit,
      median: round(s.median, 3),
      p10: round(s.min, 3),
      p90: round(s.max, 3),
      p99: null,
      target,
      pass,
    };
  };
  rows.push(
    row(
      `training wall to convergence (${episodes} ep run)`,
      wallToConv,
      's',
      '≤ 120 s',
      Math.max(...wallToConv) <= 120,
    ),
  );
  rows.push(row(`training wall, whole run (${episodes} ep)`, wallAll, 's', null, null));
  rows.push(row(`training CPU, whole run (${episodes} ep)`, cpuAll, 'cpu-s', null, null));
  rows.push(
    row('episodes to 95% of final reward', conv, 'episodes', '≤ 350 (aim ≤ 200)', Math.max(...conv) <= 350),
  );
  rows.push(
    row('ROOT / oracle, worst SNR point', minRatio, 'ratio', '≥ 0.97', Math.min(...minRatio) >= 0.97),
  );
  rows.push({
    case: 'ROOT ≥ every baseline at every SNR point',
    n: seeds.length,
    unit: 'seeds',
    median: beatAll,
    p10: null,
    p90: null,
    p99: null,
    target: `${seeds.length}/${seeds.length}`,
    pass: beatAll === seeds.length,
  });
  return {
    rows,
    extra: {
      seeds,
      episodes,
      config: DEFAULT_D3QN_CONFIG,
      perSeed,
      updateMs: { cpu: summarize(cpuBackend.wall), wasm: summarize(wasmBackend.wall) },
    },
  };
}

export default async function root(ctx: SuiteContext): Promise<SuiteResult> {
  const args = suiteArgs(ctx.args, {
    seeds: { type: 'string' },
    'paper-seeds': { type: 'string' },
    episodes: { type: 'string' },
    'single-episodes': { type: 'string' },
    'contention-episodes': { type: 'string' },
    'eval-episodes': { type: 'string' },
    'lookahead-episodes': { type: 'string' },
    scenarios: { type: 'string' },
    parts: { type: 'string' },
    'no-cache': { type: 'boolean' },
  });
  const quick = args.quick;
  const seedList = (v: string, name: string): number[] => v.split(',').map((s) => numberArg(s, name, 1));
  const seeds = seedList(args['paper-seeds'] ?? '1', 'paper-seeds');
  const episodes = numberArg(args.episodes, 'episodes', quick ? 30 : 300);
  const loadBefore = os.loadavg();
  const rows: Row[] = [];

  const parts = new Set<Part>(
    (args.parts ?? 'paper,scenarios,sim2real').split(',').map((p) => {
      if (p !== 'paper' && p !== 'scenarios' && p !== 'sim2real')
        throw new TypeError(`--parts: unknown part '${p}' (paper, scenarios, sim2real)`);
      return p;
    }),
  );
  const paper = parts.has('paper') ? await paperPart(ctx, quick, seeds, episodes) : null;
  rows.push(...(paper?.rows ?? []));
  // 5. the scenarios: measured quality, one physical layer, contention, hand rules, bandit, oracle.
  const scenarioSeeds = seedList(args.seeds ?? (quick ? '1,2' : '1,2,3,4,5'), 'seeds');
  const scenarios = new Set(
    (args.scenarios ?? SCENARIO_KEYS.join(',')).split(',').map((k) => {
      if (!SCENARIO_KEYS.includes(k as ScenarioKey))
        throw new TypeError(`--scenarios: unknown scenario '${k}' (${SCENARIO_KEYS.join(', ')})`);
      return k as ScenarioKey;
    }),
  );
  // Scenario training runs on the wasm backend (the paper part leaves it active).
  if (!paper) await initTensorflow('wasm');
  const scen = !parts.has('scenarios')
    ? null
    : scenarioBench({
        seeds: scenarioSeeds,
        singleEpisodes: numberArg(args['single-episodes'], 'single-episodes', quick ? 6 : 400),
        contentionEpisodes: numberArg(args['contention-episodes'], 'contention-episodes', quick ? 3 : 200),
        evalEpisodes: numberArg(args['eval-episodes'], 'eval-episodes', quick ? 2 : 40),
        lookaheadEpisodes: numberArg(args['lookahead-episodes'], 'lookahead-episodes', quick ? 1 : 10),
        scenarios,
        config: SCENARIO_CONFIG,
        cacheDir: args['no-cache'] ? null : path.join(ctx.outDir, 'root-scenarios'),
        log: ctx.log,
      });
  rows.push(...(scen?.rows ?? []));
  // Rows measured elsewhere (the live/simulated comparison of the lab) are appended here.
  if (parts.has('sim2real'))
    rows.push(...(await sim2RealRows({ quick, outDir: ctx.outDir, log: ctx.log })).rows);

  const carried = carryRows(path.join(ctx.outDir, 'root.json'), parts, scenarios, rows);
  // Scenarios not run this time keep their earlier entry (the figures read them).
  const { scenariosCarried, ...carriedExtra } = carried.extra;
  const scenExtra = scen
    ? {
        scenarios: {
          ...(scenariosCarried as Record<string, unknown>),
          ...(scen.extra.scenarios as Record<string, unknown>),
        },
      }
    : {};
  return {
    rows: [...rows, ...carried.rows],
    extra: {
      ...carriedExtra,
      ...scenExtra,
      ...(paper?.extra ?? {}),
      note: 'For multi-seed rows, p10/p90 hold min/max over seeds. Satisfaction is the closed-form expectation per request.',
      parts: [...parts],
      carriedFrom: carried.from,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
  };
}
