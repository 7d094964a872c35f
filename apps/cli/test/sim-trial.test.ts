/**
 * `semaigc trial run --sim`: a trial config on virtual nodes writes the run folder a live
 * trial writes (records that parse as protocol records, summary.json with SNR buckets),
 * with the link's emulated delay from the channel code, padded steps under a stated step
 * time, the quality gate's regenerations, ROOT's inputs in its records, and lab timing read
 * back from records. The calibration is the committed split benchmark
 * (packages/diffusion/docs/split-calibration.json).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analogLatentS, analogPhyMeta, digitalLink, DEFAULT_PHY } from '@semaigc/channel';
import { parseTrialConfig, type TrialSummary } from '@semaigc/coordinator';
import { parseRecord, type RecordMessage } from '@semaigc/protocol';
import { PAPER_PROFILE, checkpointOf, initTensorflow, trainD3qn } from '@semaigc/root';
import { labTimingFromRecords } from '../src/sim/lab-timing';
import { compareSummaries } from '../src/sim/sim-gap';
import { DEFAULT_SIM_CALIBRATION, runSimulated, type SimRunOptions } from '../src/sim/sim-run';
import { SIM_INFO_FILE } from '../src/sim/sim-trial';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-trial-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// The committed benchmark with 4 samples per (SNR, a) instead of 200: the same format and
// surfaces, and a fit that takes milliseconds instead of a minute under jest's transpiled code.
const calibration = path.join(dir, 'split-calibration.json');
beforeAll(() => {
  const bench = JSON.parse(fs.readFileSync(DEFAULT_SIM_CALIBRATION, 'utf8')) as {
    quality: { samples: { snrDb: number; edgeSteps: number }[] };
  };
  const seen = new Map<string, number>();
  bench.quality.samples = bench.quality.samples.filter((q) => {
    const k = `${q.snrDb}/${q.edgeSteps}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
    return seen.get(k)! <= 4;
  });
  fs.writeFileSync(calibration, JSON.stringify(bench));
});

const SWEEP = {
  name: 'sim sweep',
  prompts: { generator: 'grammar', seed: 1, count: 40 },
  seeds: 1000,
  policy: { kind: 'fixed', edgeSteps: 10 },
  channel: { mode: 'analog', link: { bandwidthHz: 50e3, emulate: true } },
  snr: { kind: 'sweep', valuesDb: [-6, -3, 0, 3, 6, 9, 12, 15] },
  requestsPerReceiver: 16,
  latency: { minS: 0.5, maxS: 2, failureS: 20 },
};

const opts = (over: Partial<SimRunOptions> = {}): SimRunOptions => ({
  calibration,
  receivers: 1,
  edgeShare: 1,
  receiverShare: 1,
  runs: dir,
  ...over,
});

function records(s: TrialSummary): RecordMessage[] {
  return fs
    .readFileSync(s.files.records, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => parseRecord(JSON.parse(l)));
}

test('the sweep config runs on virtual nodes: records, summary buckets, and the link delay the channel code gives', async () => {
  const s = await runSimulated(parseTrialConfig(SWEEP), opts());
  expect(s.status).toBe('completed');
  expect(s.requests).toBe(16);
  expect(s.bySnr.map((b) => b.bucket)).toEqual([
    '[-6, -3)',
    '[-3, 0)',
    '[0, 3)',
    '[3, 6)',
    '[6, 9)',
    '[9, 12)',
    '[12, 15)',
    '[15, 18)',
  ]);
  const rs = records(s);
  expect(rs).toHaveLength(16);
  for (const r of rs) {
    expect(r.edgeSteps).toBe(10);
    // The hold is the physical layer's: the 256-element latent in 128 channel uses at 50 kHz,
    // at every SNR (an analog link's SNR changes the noise, not the time), as the live edge.
    expect(r.phy).toEqual(analogPhyMeta(256, 50e3));
    expect(r.timings.txEmulatedMs).toBeCloseTo(analogLatentS({ latentElements: 256 }, 50e3) * 1000, 9);
    expect(r.edge?.runtime.version).toMatch(/virtual/);
  }
  const info = JSON.parse(fs.readFileSync(path.join(s.runDir, SIM_INFO_FILE), 'utf8')) as {
    simulated: boolean;
  };
  expect(info.simulated).toBe(true);
  // The same config simulated again compares to itself with no gap in any bucket.
  const again = await runSimulated(parseTrialConfig(SWEEP), opts());
  const g = compareSummaries(s, again);
  expect(g.n).toBe(8);
  expect(g.maxGap).toBe(0);
});

test('Edge AIGC in simulation: the image over the adapted digital link, HARQ retransmissions held in time', async () => {
  // −6 dB, the sweep's floor: CQI 1 at 0.7 dB above its threshold, BLER 2% per block.
  const s = await runSimulated(
    parseTrialConfig({
      ...SWEEP,
      name: 'sim edge aigc',
      policy: { kind: 'edge-aigc' },
      snr: { kind: 'sweep', valuesDb: [-6] },
      requestsPerReceiver: 30,
    }),
    opts(),
  );
  const rs = records(s);
  expect(rs).toHaveLength(30);
  for (const r of rs) {
    expect(r.deliver).toBe('image');
    const link = digitalLink(DEFAULT_PHY, r.payloadBytes * 8, 50e3, r.snrDbSet);
    expect(r.phy?.mcs?.cqi).toBe(1);
    expect(r.phy?.bler).toBeCloseTo(link.bler, 12);
    expect(r.phy?.onePassMs).toBeCloseTo(link.onePassS * 1000, 6);
    expect(r.phy!.harqRounds!).toBeGreaterThanOrEqual(r.phy!.blocks!);
    // Time = one pass × rounds / blocks, and that is what the link held.
    expect(r.phy!.txMs).toBeCloseTo((r.phy!.onePassMs! * r.phy!.harqRounds!) / r.phy!.blocks!, 9);
    expect(r.timings.txEmulatedMs).toBeCloseTo(r.phy!.txMs, 9);
  }
  // Some blocks were resent (each request's draws are seeded, so this set is fixed): those took longer.
  const resent = rs.filter((r) => r.phy!.harqRounds! > r.phy!.blocks!);
  expect(resent.length).toBeGreaterThan(0);
  for (const r of resent) expect(r.timings.txEmulatedMs!).toBeGreaterThan(r.phy!.onePassMs!);
}, 60_000);

test('stated step times: each step takes the stated time, records say so', async () => {
  const cfg = parseTrialConfig({
    ...SWEEP,
    requestsPerReceiver: 4,
    stepTime: { edgeS: 0.2, receiverS: 0.368 },
  });
  const s = await runSimulated(cfg, opts());
  for (const r of records(s)) {
    expect(r.stepTime).toEqual({ edgeMs: 200, receiverMs: 368 });
    expect(r.timings.edgeStepsMs).toBeCloseTo(10 * 200, 9);
    expect(r.timings.receiverStepsMs).toBeCloseTo(10 * 368, 9);
    expect(r.edge?.stepMs).toBeCloseTo(200, 9); // what the policy was shown
  }
});

test('the quality gate regenerates below its threshold, latency accumulating', async () => {
  const base = { ...SWEEP, requestsPerReceiver: 8, channel: { mode: 'analog', link: { bandwidthHz: 20e6 } } };
  const once = records(await runSimulated(parseTrialConfig(base), opts()));
  // Only a consistency of 1 passes a gate at 1: a request regenerates until it gets one or
  // has used both regenerations, and its latency holds every attempt.
  const gated = parseTrialConfig({ ...base, qualityGate: { minConsistency: 1, maxRegenerations: 2 } });
  const thrice = records(await runSimulated(gated, opts()));
  for (const r of thrice) {
    if (r.quality.consistency! < 1) expect(r.retries).toBe(2);
  }
  const full = thrice.filter((r) => r.retries === 2);
  expect(full.length).toBeGreaterThan(0);
  const mean = (rs: RecordMessage[]): number => rs.reduce((a, r) => a + r.timings.endToEndMs!, 0) / rs.length;
  expect(mean(full)).toBeGreaterThan(2.5 * mean(once));
});

test('lab timing read back from records reproduces their step times', async () => {
  const s = await runSimulated(parseTrialConfig({ ...SWEEP, requestsPerReceiver: 4 }), opts());
  const t = labTimingFromRecords(records(s), s.files.records);
  const bench = JSON.parse(fs.readFileSync(DEFAULT_SIM_CALIBRATION, 'utf8')) as {
    timing: { edgeStepS: number; deviceStepS: number };
  };
  expect(t.samples).toHaveLength(4);
  expect(t.edgeStepMs).toBeCloseTo(bench.timing.edgeStepS * 1000, 9);
  expect(t.receiverStepMs).toBeCloseTo(bench.timing.deviceStepS * 1000, 9);
  // Padded records are not the nodes' own step times and are refused as the only source.
  const padded = await runSimulated(
    parseTrialConfig({ ...SWEEP, requestsPerReceiver: 2, stepTime: { edgeS: 0.2, receiverS: null } }),
    opts(),
  );
  expect(() => labTimingFromRecords(records(padded), 'padded')).toThrow(/no usable record/);
});

test('ROOT decides in simulation as live: its inputs (clipped, κ) in every record, the counts in the run folder', async () => {
  const wasm = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  await initTensorflow('wasm', { wasmPaths: path.dirname(wasm) + path.sep });
  const run = trainD3qn({
    profile: { ...PAPER_PROFILE, requestsPerEpisode: 8 },
    episodes: 4,
    seed: 3,
    config: {
      hiddenUnits: [16],
      batchSize: 8,
      learningStarts: 16,
      bufferSize: 128,
      targetUpdateFrequency: 8,
    },
  });
  const ckpt = path.join(dir, 'ckpt.json');
  fs.writeFileSync(ckpt, JSON.stringify(checkpointOf(run)));
  run.agent.dispose();
  const cfg = parseTrialConfig({
    ...SWEEP,
    requestsPerReceiver: 6,
    policy: { kind: 'root', checkpoint: ckpt, learn: false, epsilon: 0 },
    latency: { minS: 0.1, maxS: 0.3, failureS: 20 },
  });
  const s = await runSimulated(cfg, opts());
  for (const r of records(s)) {
    expect(r.policy).toBe('root');
    expect(run.grid).toContain(r.edgeSteps);
    // κ = 0.2 s / the benchmark's 1.5 ms edge step ≈ 130; Ľ = 0.1 s → ≈ 13 s, inside 5…25 s.
    expect(r.policyInputs?.timeScale).toBeCloseTo(0.2 / 0.0015440474999993512, 6);
    expect(r.policyInputs?.features).toHaveLength(7);
    expect(r.policyInputs?.clipped).not.toContain('targetS');
  }
  const inputs = s.files.policy.find((f) => f.endsWith('root-inputs.json'));
  expect(inputs).toBeDefined();
  expect(JSON.parse(fs.readFileSync(inputs!, 'utf8'))).toMatchObject({ decisions: 6 });
}, 60_000);

test('compareSummaries: gaps per bucket both runs served, the largest of them, and the unmatched ones listed', () => {
  const summary = (buckets: [number, number, number][]): TrialSummary =>
    ({
      satisfactionMean: 0.9,
      bySnr: buckets.map(([minDb, requests, satisfactionMean]) => ({
        bucket: `[${minDb}, ${minDb + 3})`,
        minDb,
        maxDb: minDb + 3,
        requests,
        satisfactionMean,
      })),
    }) as unknown as TrialSummary;
  const live = summary([
    [-6, 5, 0.8],
    [0, 4, 1],
    [6, 2, 0.5],
  ]);
  const sim = summary([
    [-6, 5, 0.72],
    [0, 4, 0.97],
    [12, 3, 1],
  ]);
  const g = compareSummaries(live, sim);
  expect(g.n).toBe(2);
  expect(g.maxGap).toBeCloseTo(0.08, 12);
  expect(g.buckets.map((b) => [b.minDb, b.gap === null ? null : Number(b.gap.toFixed(6))])).toEqual([
    [-6, 0.08],
    [0, 0.03],
    [6, null],
    [12, null],
  ]);
});

test('several receivers share the one virtual edge: requests that arrive together queue for it', async () => {
  const cfg = parseTrialConfig({
    ...SWEEP,
    requestsPerReceiver: 3,
    arrival: { kind: 'fixed', intervalMs: 1000 },
    stepTime: { edgeS: 0.1, receiverS: null },
  });
  const s = await runSimulated(cfg, opts({ receivers: 3 }));
  const rs = records(s);
  expect(new Set(rs.map((r) => r.receiverId))).toEqual(new Set(['sim-rx-0', 'sim-rx-1', 'sim-rx-2']));
  expect(rs).toHaveLength(9);
  // Staggered by 1000/3 ms, each request holds the edge for 10 steps of 100 ms: the first
  // finds it free, the second waits for it, and the waits add to the end-to-end times.
  const first = rs.find((r) => r.requestId.endsWith('-r0'))!;
  const second = rs.find((r) => r.requestId.endsWith('-r1'))!;
  expect(first.timings.queueMs).toBe(0);
  expect(second.timings.queueMs).toBeGreaterThan(600);
  expect(second.timings.endToEndMs).toBeGreaterThanOrEqual(second.timings.queueMs! + 10 * 100);
});
