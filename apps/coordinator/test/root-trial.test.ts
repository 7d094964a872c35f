/**
 * The ROOT policy in a trial over a real nats-server (protocol-speaking test peers from
 * helpers.ts, a real checkpoint from a tiny training): every record carries the state the
 * network saw, the inputs clipped into the training range are named there and counted in
 * root-inputs.json; with stated step times the edge is asked to pad and the policy sees the
 * paper's time scale (κ = 1).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRecord, type RecordMessage } from '@semaigc/protocol';
import { PAPER_PROFILE, checkpointOf, initTensorflow, trainD3qn } from '@semaigc/root';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import { type CoordinatorHandle, RECORD_CSV_COLUMNS, startCoordinator, type TrialConfigInput } from '../src';
import { ROOT_INPUTS_FILE } from '../src/policies/root-policy';
import { captureLogger, caps, TestEdge, TestReceiver, until } from './helpers';

let nats: NatsServer;
let dir: string;
let coord: CoordinatorHandle;
let checkpoint: string;
const peers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'root-trial-'));
  const wasm = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  await initTensorflow('wasm', { wasmPaths: path.dirname(wasm) + path.sep });
  const run = trainD3qn({
    profile: { ...PAPER_PROFILE, requestsPerEpisode: 8 },
    episodes: 4,
    seed: 5,
    config: { hiddenUnits: [16], batchSize: 8, learningStarts: 16, bufferSize: 64, targetUpdateFrequency: 8 },
  });
  checkpoint = path.join(dir, 'checkpoint.json');
  fs.writeFileSync(checkpoint, JSON.stringify(checkpointOf(run)));
  run.agent.dispose();
  nats = await startNatsServer({ jetstream: false });
  coord = await startCoordinator({
    natsUrl: nats.url,
    runsDir: path.join(dir, 'runs'),
    logger: captureLogger().logger,
    heartbeatIntervalMs: 150,
    nodeTimeoutMs: 500,
    dashboardRoot: path.join(dir, 'no-dashboard'),
  });
}, 60_000);

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await until(() => coord.registry.list({ online: true }).length === 0, 'peers offline', 5000);
});

afterAll(async () => {
  await coord?.close();
  await nats?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A lab like the default one: a 2 ms edge step and a 3 ms receiver step, announced. */
async function lab(): Promise<TestEdge> {
  const e = await new TestEdge('edge-1', {}, caps({ stepMs: 2 })).start(nats.url);
  const r = await new TestReceiver('rx-1', {}, caps({ stepMs: 3 })).start(nats.url);
  peers.push(e, r);
  return e;
}

const TRIAL: TrialConfigInput = {
  prompts: ['a small red circle on the left on a blue background'],
  seeds: 3,
  totalSteps: 20,
  snr: { kind: 'sweep', valuesDb: [-6, 15] },
  channel: { mode: 'analog', link: { bandwidthHz: 200e3 } },
  requestsPerReceiver: 4,
  receivers: { waitS: 5 },
};

function readRecords(file: string): RecordMessage[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => parseRecord(JSON.parse(l)));
}

test('a requirement beyond the training range on the lab time scale is clipped, named in each record and counted', async () => {
  await lab();
  const summary = await coord.runTrial({
    ...TRIAL,
    name: 'root clipped',
    policy: { kind: 'root', checkpoint, learn: false, epsilon: 0 },
    // κ = 0.2 s / 2 ms = 100: Ľ = 0.4 s is 40 s in training units, beyond the paper's 5…25 s.
    latency: { minS: 0.4, maxS: 0.8, failureS: 20 },
  });
  expect(summary.status).toBe('completed');
  const records = readRecords(summary.files.records);
  expect(records).toHaveLength(4);
  for (const r of records) {
    expect(r.policyInputs?.timeScale).toBeCloseTo(100, 9);
    expect(r.policyInputs?.clipped).toContain('targetS');
    expect(r.policyInputs?.features).toHaveLength(7);
    for (const x of r.policyInputs!.features) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
  }
  // The CSV has them too (appended columns).
  const csv = fs.readFileSync(summary.files.csv, 'utf8').trim().split('\n');
  const col = RECORD_CSV_COLUMNS.indexOf('policyInputs.clipped');
  expect(col).toBeGreaterThan(0);
  expect(csv[0]!.split(',')[col]).toBe('policyInputs.clipped');
  expect(csv[1]).toContain('targetS');
  const inputs = path.join(summary.runDir, ROOT_INPUTS_FILE);
  expect(summary.files.policy).toContain(inputs);
  expect(JSON.parse(fs.readFileSync(inputs, 'utf8'))).toMatchObject({
    decisions: 4,
    outOfRange: 4,
    clipped: { targetS: 4 },
  });
}, 60_000);

test('stated step times: the edge is asked to pad, and the policy sees the paper time scale', async () => {
  const e = await lab();
  const summary = await coord.runTrial({
    ...TRIAL,
    name: 'root paper regime',
    policy: { kind: 'root', checkpoint, learn: false, epsilon: 0 },
    stepTime: { edgeS: 0.2, receiverS: 0.368 },
    latency: { minS: 10, maxS: 20, failureS: 60 },
  });
  expect(summary.status).toBe('completed');
  const asked = e.requests.filter((q) => q.edgeSteps > 0);
  expect(asked.length).toBeGreaterThan(0);
  for (const q of asked) expect(q.stepTime).toEqual({ edgeMs: 200, receiverMs: 368 });
  for (const r of readRecords(summary.files.records)) {
    // The policy was shown the stated 200 ms edge step: κ = 1, and Ľ = 10 s stays in range.
    expect(r.policyInputs?.timeScale).toBeCloseTo(1, 9);
    expect(r.policyInputs?.clipped).not.toContain('targetS');
    expect(r.policyInputs?.clipped).not.toContain('deviceCapability');
  }
}, 60_000);
