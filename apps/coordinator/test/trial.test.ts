/**
 * Trials end to end over a real nats-server: the test plays protocol-speaking edges and
 * receivers (helpers.ts) and checks what the coordinator sends, what it writes to
 * runs/<trial>/ and that failures (lost edge, silent receiver) end in records, not hangs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  decode,
  encode,
  ERROR_SUBJECT,
  makeMessage,
  type Message,
  parseRecord,
  type RecordMessage,
} from '@semaigc/protocol';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import { io as ioClient, type Socket } from 'socket.io-client';
import { parse as parseYaml } from 'yaml';
import {
  type CoordinatorHandle,
  parseTrialConfig,
  RECORD_CSV_COLUMNS,
  REGENERATION_SEED_STRIDE,
  registerPolicy,
  startCoordinator,
  unregisterPolicy,
  type TrialConfigInput,
} from '../src';
import { captureLogger, caps, recordFor, TestEdge, TestReceiver, until } from './helpers';
import { socketPhone } from './socket-phone';

let nats: NatsServer;
let runsDir: string;
let coord: CoordinatorHandle;
const peers: { close(): Promise<void> }[] = [];
const log = captureLogger();

const BASE: TrialConfigInput = {
  prompts: [
    'a small red circle on the left on a blue background',
    'a large green square at the top on a white background',
  ],
  seeds: 100,
  totalSteps: 20,
  snr: { kind: 'sweep', valuesDb: [0, 5, 10] },
  latency: { minS: 30, maxS: 50, failureS: 60 },
  receivers: { waitS: 5 },
};

async function edge(id: string, behaviour = {}): Promise<TestEdge> {
  const e = await new TestEdge(id, behaviour).start(nats.url);
  peers.push(e);
  return e;
}

async function receiver(id: string, behaviour = {}): Promise<TestReceiver> {
  const r = await new TestReceiver(id, behaviour).start(nats.url);
  peers.push(r);
  return r;
}

function readRecords(file: string): RecordMessage[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => parseRecord(JSON.parse(l)));
}

beforeAll(async () => {
  nats = await startNatsServer({ jetstream: false });
  runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-coord-runs-'));
  coord = await startCoordinator({
    natsUrl: nats.url,
    runsDir,
    logger: log.logger,
    heartbeatIntervalMs: 150,
    nodeTimeoutMs: 500,
    dashboardRoot: path.join(runsDir, 'no-dashboard'),
  });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  // Let the registry see them go so the next test starts with only its own nodes online.
  await until(() => coord.registry.list({ online: true }).length === 0, 'peers offline', 5000);
});

afterAll(async () => {
  await coord?.close();
  await nats?.stop();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

test('a fixed-split trial: requests go to the edge, records come back, run folder is complete', async () => {
  const e = await edge('edge-1');
  const r = await receiver('rx-1');
  const progress: number[] = [];
  const summary = await coord.runTrial(
    { ...BASE, name: 'round trip', policy: { kind: 'fixed', edgeSteps: 10 }, requestsPerReceiver: 6 },
    { onProgress: (p) => progress.push(p.done) },
  );

  expect(summary.status).toBe('completed');
  expect(summary.requests).toBe(6);
  expect(summary.failed).toBe(0);
  expect(summary.satisfactionMean).toBe(1);
  expect(progress).toEqual([1, 2, 3, 4, 5, 6]);

  // What the edge was asked: a = 10 of 20, seeds base + k, SNR from the sweep, errors to the coordinator.
  expect(e.requests.map((q) => q.edgeSteps)).toEqual(Array(6).fill(10));
  expect(e.requests.map((q) => q.seed)).toEqual([100, 101, 102, 103, 104, 105]);
  expect(e.requests.map((q) => q.channel.snrDb)).toEqual([0, 5, 10, 0, 5, 10]);
  expect(e.requests.every((q) => q.edgeId === 'edge-1' && q.replyTo === ERROR_SUBJECT)).toBe(true);
  expect(e.requests.every((q) => q.receiverVariant === 'remap' && q.policy === 'fixed')).toBe(true);
  expect(r.payloads).toHaveLength(6);
  await until(() => r.received.length === 2, 'trial.release');
  expect(r.received.map((m) => m.type)).toEqual(['trial.assign', 'trial.release']);

  const records = readRecords(summary.files.records);
  expect(records.map((x) => x.requestId)).toEqual(e.requests.map((q) => q.requestId));
  for (const rec of records) {
    expect(rec.coordinatorId).toBe(coord.coordinatorId);
    expect(rec.edgeId).toBe('edge-1');
    expect(rec.edge?.stepMs).toBe(5); // filled from the registry
    // End to end is the coordinator's own clock: dispatch → record.
    expect(rec.timings.endToEndMs).toBe(rec.completedAt - rec.startedAt);
  }

  const csv = fs.readFileSync(summary.files.csv, 'utf8').trim().split('\n');
  expect(csv[0]).toBe(RECORD_CSV_COLUMNS.join(','));
  expect(csv).toHaveLength(7);
  const snrCol = RECORD_CSV_COLUMNS.indexOf('snrDbSet');
  expect(csv.slice(1).map((l) => Number(l.split(',')[snrCol]))).toEqual(records.map((x) => x.snrDbSet));

  const onDisk = JSON.parse(fs.readFileSync(summary.files.summary, 'utf8')) as typeof summary;
  expect(onDisk).toEqual(JSON.parse(JSON.stringify(summary)));
  expect(summary.bySnr.map((b) => [b.bucket, b.requests])).toEqual([
    ['[0, 3)', 2],
    ['[3, 6)', 2],
    ['[9, 12)', 2],
  ]);
  expect(summary.latencyMs.endToEndMs?.n).toBe(6);
  expect(summary.byPolicy['fixed']?.requests).toBe(6);
  expect(summary.files.policy).toEqual([]); // fixed has no end-of-trial hook

  const cfg = parseTrialConfig(parseYaml(fs.readFileSync(summary.files.config, 'utf8')));
  expect(cfg.policy).toEqual({ kind: 'fixed', edgeSteps: 10 });

  await until(
    () => records.every((x) => fs.existsSync(path.join(summary.files.images, `${x.requestId}.png`))),
    'preview PNGs',
  );
  const png = fs.readFileSync(path.join(summary.files.images, `${records[0]!.requestId}.png`));
  expect(png.subarray(1, 4).toString()).toBe('PNG');
});

test('previews that come after the trial ended are still saved, once per request', async () => {
  await edge('edge-1');
  // Every preview 300 ms after its record, twice: the last one lands after the trial's end.
  await receiver('rx-1', { preview: { delayMs: 300, copies: 2 } });
  const before = { ...coord.metrics.previews };
  const notDue = (): number => log.lines.filter((l) => l.code === 'NOT_DUE').length;
  const notDueBefore = notDue();
  const summary = await coord.runTrial({ ...BASE, name: 'late-previews', requestsPerReceiver: 2 });
  expect(summary.failed).toBe(0);
  await until(() => coord.metrics.previews.received - before.received === 4, 'four preview messages');
  await until(() => fs.readdirSync(summary.files.images).length === 2, 'both preview PNGs');
  // a PNG exists before its write resolves: wait for the count, then check no third one came
  await until(() => coord.metrics.previews.saved - before.saved === 2, 'two previews saved');
  expect(fs.readdirSync(summary.files.images)).toHaveLength(2);
  expect(notDue()).toBe(notDueBefore);
});

test("the policy's finish hook runs after the last record; its files are listed, its failure only logged", async () => {
  await edge('edge-1');
  await receiver('rx-1');
  const seen: string[] = [];
  registerPolicy('finish-probe', () => ({
    name: 'finish-probe',
    decide: () => ({ edgeSteps: 10 }),
    observe: (rec) => void seen.push(rec.requestId),
    finish: async ({ runDir }) => {
      const file = path.join(runDir, 'learned.json');
      await fs.promises.writeFile(file, JSON.stringify({ observed: seen.length }));
      return [file];
    },
  }));
  registerPolicy('finish-throws', () => ({
    name: 'finish-throws',
    decide: () => ({ edgeSteps: 10 }),
    finish: () => Promise.reject(new Error('disk full')),
  }));
  try {
    const ok = await coord.runTrial({
      ...BASE,
      name: 'hook',
      policy: { kind: 'finish-probe' },
      requestsPerReceiver: 3,
    });
    expect(ok.status).toBe('completed');
    expect(ok.files.policy).toEqual([path.join(ok.runDir, 'learned.json')]);
    // Called after every record was observed, before the summary was written.
    expect(JSON.parse(fs.readFileSync(ok.files.policy[0]!, 'utf8'))).toEqual({ observed: 3 });
    const onDisk = JSON.parse(fs.readFileSync(ok.files.summary, 'utf8')) as typeof ok;
    expect(onDisk.files.policy).toEqual(ok.files.policy);

    const bad = await coord.runTrial({
      ...BASE,
      name: 'hook2',
      policy: { kind: 'finish-throws' },
      requestsPerReceiver: 2,
    });
    expect(bad.status).toBe('completed');
    expect(bad.requests).toBe(2);
    expect(bad.files.policy).toEqual([]);
    expect(
      log.lines.some((l) => l.msg === 'policy finish-throws: finish failed' && l.trialId === bad.trialId),
    ).toBe(true);
  } finally {
    unregisterPolicy('finish-probe');
    unregisterPolicy('finish-throws');
  }
});

test('local-only (a = 0) sends the request to the receiver, never to an edge', async () => {
  const e = await edge('edge-1');
  const r = await receiver('rx-1');
  const summary = await coord.runTrial({
    ...BASE,
    name: 'local',
    policy: { kind: 'local-only' },
    requestsPerReceiver: 3,
  });
  expect(summary.failed).toBe(0);
  expect(e.requests).toHaveLength(0);
  expect(r.localRequests.map((q) => q.edgeSteps)).toEqual([0, 0, 0]);
  expect(readRecords(summary.files.records).every((x) => x.edgeId === null && x.edge === null)).toBe(true);
});

test('edge-aigc asks for an image (a = T̂), no-fine-tune for the naive receiver', async () => {
  const e = await edge('edge-1');
  await receiver('rx-1');
  await coord.runTrial({ ...BASE, name: 'edge aigc', policy: { kind: 'edge-aigc' }, requestsPerReceiver: 1 });
  await coord.runTrial({
    ...BASE,
    name: 'naive',
    policy: { kind: 'no-fine-tune', edgeSteps: 5 },
    requestsPerReceiver: 1,
  });
  expect(e.requests.map((q) => [q.edgeSteps, q.deliver, q.receiverVariant])).toEqual([
    [20, 'image', null],
    [5, 'latent', 'naive'],
  ]);
});

test('an edge that stops beating mid-request: the request is retried on another edge', async () => {
  const dying = await edge('edge-a', { swallow: true });
  const healthy = await edge('edge-b');
  await receiver('rx-1');
  dying.stopBeating(); // still "online" until the 500 ms timeout: least-loaded picks edge-a first
  const summary = await coord.runTrial({ ...BASE, name: 'edge loss', requestsPerReceiver: 3 });
  const records = readRecords(summary.files.records);
  expect(summary.failed).toBe(0);
  expect(dying.requests.length).toBeGreaterThanOrEqual(1);
  expect(records[0]!.retries).toBe(1);
  expect(records.every((x) => x.edgeId === 'edge-b')).toBe(true);
  expect(healthy.requests.map((q) => q.attempt)).toEqual([1, 0, 0]);
  expect(log.lines.some((l) => l.msg === 'node offline' && l.nodeId === 'edge-a')).toBe(true);
});

test('the only edge is lost: affected requests fail NODE_LOST, the rest NO_EDGE, the trial ends', async () => {
  const dying = await edge('edge-a', { swallow: true });
  await receiver('rx-1');
  dying.stopBeating();
  const summary = await coord.runTrial({
    ...BASE,
    name: 'no edge left',
    requestsPerReceiver: 3,
    retries: { max: 1, edgeGraceS: 0 },
  });
  expect(summary.status).toBe('completed');
  expect(summary.failed).toBe(3);
  expect(summary.satisfactionMean).toBe(0);
  expect(summary.failuresByCode).toEqual({ NODE_LOST: 1, NO_EDGE: 2 });
  const first = readRecords(summary.files.records)[0]!;
  expect(first.failure?.reason).toMatch(/edge edge-a went offline.*no other edge to retry on/);
  expect(first.timings.endToEndMs).toBe(first.completedAt - first.startedAt);
});

test('the only edge falls silent and beats again within retries.edgeGraceS: the request runs again on it', async () => {
  const e = await edge('edge-a', { swallow: true });
  await receiver('rx-1');
  const { done } = coord.startTrial({
    ...BASE,
    name: 'edge back',
    requestsPerReceiver: 1,
    retries: { max: 1, edgeGraceS: 30 },
  });
  await until(() => e.requests.length >= 1, 'the request at the edge');
  e.stopBeating(); // a frozen edge, or one cut off by a NATS outage
  await until(() => coord.registry.get('edge-a')?.status === 'offline', 'edge-a offline');
  e.behaviour.swallow = false;
  e.startBeating();
  const summary = await done;
  expect(summary.failed).toBe(0);
  expect(e.requests.map((q) => q.attempt)).toEqual([0, 1]);
  const [rec] = readRecords(summary.files.records);
  expect(rec).toMatchObject({ edgeId: 'edge-a', retries: 1, failed: false });
  expect(log.lines.some((l) => l.msg === 'an edge is back, sending the request again')).toBe(true);
});

test('a receiver that never answers: TIMEOUT after the retries, nothing hangs', async () => {
  const e = await edge('edge-1');
  await receiver('rx-1', { silent: true });
  const summary = await coord.runTrial({
    ...BASE,
    name: 'silent receiver',
    requestsPerReceiver: 2,
    latency: { minS: 0.1, maxS: 0.5, failureS: 5 },
    retries: { max: 1, attemptTimeoutS: 0.3 },
  });
  expect(summary.failuresByCode).toEqual({ TIMEOUT: 2 });
  expect(e.requests.map((q) => q.attempt)).toEqual([0, 1, 0, 1]);
  // Each attempt carries its own deadline (the 0.3 s attempt timeout), not the request's 5 s
  // failure limit: a node drops work past it.
  for (const q of e.requests) {
    expect(q.deadline - q.createdAt).toBeGreaterThanOrEqual(300);
    expect(q.deadline - q.createdAt).toBeLessThan(5000);
  }
});

test('a receiver that drops mid-request and comes back with the same id gets the request again', async () => {
  const e = await edge('edge-1');
  const r = await receiver('rx-1', { dropFirst: { backAfterMs: 300 } });
  const summary = await coord.runTrial({
    ...BASE,
    name: 'phone drops',
    requestsPerReceiver: 3,
    retries: { max: 1, receiverGraceS: 5 },
  });
  expect(summary.status).toBe('completed');
  expect(summary.failed).toBe(0);
  expect(summary.requests).toBe(3);
  // The first request ran twice (its payload was lost with the connection), the rest once.
  expect(e.requests.map((q) => q.attempt)).toEqual([0, 1, 0, 0]);
  expect(r.payloads).toHaveLength(4);
  const records = readRecords(summary.files.records);
  expect(records.map((x) => x.retries)).toEqual([1, 0, 0]);
  // Re-assigned to the trial when it came back.
  expect(r.received.filter((m) => m.type === 'trial.assign').length).toBeGreaterThanOrEqual(2);
});

test('a receiver that drops and stays away: NODE_LOST after retries.receiverGraceS, the trial ends', async () => {
  await edge('edge-1');
  await receiver('rx-1', { dropFirst: { backAfterMs: null } });
  const summary = await coord.runTrial({
    ...BASE,
    name: 'phone gone',
    requestsPerReceiver: 1,
    retries: { max: 1, receiverGraceS: 0.4 },
  });
  expect(summary.failuresByCode).toEqual({ NODE_LOST: 1 });
  const [rec] = readRecords(summary.files.records);
  expect(rec!.failure?.reason).toMatch(
    /receiver rx-1 went offline.*not back within 0\.4 s \(retries\.receiverGraceS\)/,
  );
});

test('the quality gate regenerates with a new seed while consistency is below the threshold', async () => {
  const e = await edge('edge-1');
  await receiver('rx-1', { consistency: [0.2, 0.9] });
  const summary = await coord.runTrial({
    ...BASE,
    name: 'gate',
    requestsPerReceiver: 1,
    qualityGate: { minConsistency: 0.5, maxRegenerations: 2 },
  });
  expect(e.requests.map((q) => q.seed)).toEqual([100, 100 + REGENERATION_SEED_STRIDE]);
  const [rec] = readRecords(summary.files.records);
  expect(rec!.retries).toBe(1);
  expect(rec!.quality.consistency).toBe(0.9);
  expect(summary.retried).toBe(1);
});

test('two receivers with fixed arrivals share one edge; requests are interleaved by index', async () => {
  const e = await edge('edge-1');
  await receiver('rx-1');
  await receiver('rx-2');
  const summary = await coord.runTrial({
    ...BASE,
    name: 'two',
    requestsPerReceiver: 2,
    arrival: { kind: 'fixed', intervalMs: 20 },
  });
  expect(summary.requests).toBe(4);
  expect(summary.receiverIds).toEqual(['rx-1', 'rx-2']);
  const byReceiver = e.requests
    .map((q) => [q.seed - 100, q.receiverId])
    .sort((a, b) => Number(a[0]) - Number(b[0]));
  expect(byReceiver).toEqual([
    [0, 'rx-1'],
    [1, 'rx-2'],
    [2, 'rx-1'],
    [3, 'rx-2'],
  ]);
});

test('no receiver online: the trial fails to start with a message naming what is missing', async () => {
  await expect(coord.runTrial({ ...BASE, name: 'empty', receivers: { waitS: 0.2 } })).rejects.toThrow(
    /1 receiver\(s\) wanted, 0 online; no edge online after waiting 0.2 s/,
  );
  expect(coord.trials()[0]?.state).toBe('failed');
});

test("a page cannot fail another receiver's request with a fault claiming that receiver's id", async () => {
  // The edge holds each payload, so the forged fault arrives while rx-1's request is in flight.
  const e = await edge('edge-1', { delayMs: 1500 });
  await receiver('rx-1');
  const phoneCaps = caps({ runtime: { kind: 'browser', version: 'Chromium' }, backend: 'wasm' });
  const phone = await socketPhone(coord.url, {
    nodeId: 'phone-f',
    join: coord.joinCode,
    capabilities: phoneCaps,
    beatMs: 100,
  });
  try {
    phone.socket.on('latent', (b: ArrayBuffer) => {
      const msg = decode(b);
      if (msg.type === 'latent')
        phone.socket.emit('record', encode(recordFor(msg.request, 'phone-f', phoneCaps, msg.edgeId, 0.8)));
    });
    const dropsBefore = coord.metrics.dropped.byNode['phone-f'] ?? 0;
    const run = coord.runTrial({ ...BASE, name: 'forged-fault', requestsPerReceiver: 1 });
    await until(() => e.requests.some((q) => q.receiverId === 'rx-1'), 'rx-1 request at the edge', 10_000);
    const target = e.requests.find((q) => q.receiverId === 'rx-1')!;
    const forged = makeMessage('error', {
      code: 'MODEL_ERROR',
      reason: 'forged by phone-f',
      requestId: target.requestId,
      nodeId: 'rx-1',
    });
    const acked = new Promise<void>((resolve) => phone.socket.emit('fault', encode(forged), () => resolve()));
    await acked;
    const summary = await run;
    expect(summary.failed).toBe(0);
    // Judged as phone-f's (not due: the request is rx-1's), so counted against phone-f.
    expect(coord.metrics.dropped.byNode['phone-f'] ?? 0).toBeGreaterThan(dropsBefore);
    const rec = readRecords(path.join(summary.runDir, 'records.jsonl')).find(
      (r) => r.requestId === target.requestId,
    );
    expect(rec?.receiverId).toBe('rx-1');
    expect(rec?.failure ?? null).toBeNull();
    // Only one request went to the edge for rx-1: the forged fault caused no retry.
    expect(e.requests.filter((q) => q.receiverId === 'rx-1')).toHaveLength(1);
  } finally {
    phone.close();
  }
}, 60_000);

test('a browser receiver over socket.io: latents are relayed to it, its record and preview come back', async () => {
  const e = await edge('edge-1');
  const phoneCaps = caps({ runtime: { kind: 'browser', version: 'Chromium' }, backend: 'wasm' });
  const {
    socket: phone,
    welcome,
    close: closePhone,
  } = await socketPhone(coord.url, {
    nodeId: 'phone-1',
    join: coord.joinCode,
    capabilities: phoneCaps,
    beatMs: 100,
  });
  expect(welcome.type).toBe('welcome');
  const dashboard: Socket = ioClient(coord.url, {
    transports: ['websocket'],
    forceNew: true,
    auth: { token: coord.apiToken },
  });
  const got: Message[] = [];
  const dash: string[] = [];
  try {
    await new Promise<void>((resolve) => dashboard.emit('dashboard', () => resolve()));
    for (const ev of ['trial.start', 'trial.progress', 'trial.end', 'record', 'preview']) {
      dashboard.on(ev, (bytes: ArrayBuffer) => dash.push(`${ev}:${decode(bytes).type}`));
    }
    for (const ev of ['trial.assign', 'trial.release']) phone.on(ev, (b: ArrayBuffer) => got.push(decode(b)));
    phone.on('latent', (b: ArrayBuffer) => {
      const msg = decode(b);
      got.push(msg);
      if (msg.type !== 'latent') return;
      const record = recordFor(msg.request, 'phone-1', phoneCaps, msg.edgeId, 0.8);
      phone.emit('record', encode(record));
      const r = msg.request;
      const preview = makeMessage('preview', {
        trialId: r.trialId,
        requestId: r.requestId,
        receiverId: 'phone-1',
        edgeId: msg.edgeId,
        prompt: r.prompt,
        totalSteps: r.totalSteps,
        edgeSteps: r.edgeSteps,
        snrDbSet: r.channel.snrDb,
        image: { width: 1, height: 1, format: 'rgba8', data: new Uint8Array([1, 2, 3, 255]) },
        createdAt: Date.now(),
      });
      phone.emit('preview', encode(preview));
    });

    const summary = await coord.runTrial({ ...BASE, name: 'browser', requestsPerReceiver: 2 });
    expect(summary.failed).toBe(0);
    expect(e.requests.map((q) => q.receiverId)).toEqual(['phone-1', 'phone-1']);
    await until(() => got.some((m) => m.type === 'trial.release'), 'trial.release over socket.io');
    expect(got.map((m) => m.type)).toEqual(['trial.assign', 'latent', 'latent', 'trial.release']);
    expect(coord.metrics.relayed.latent).toBeGreaterThanOrEqual(2);
    const records = readRecords(summary.files.records);
    expect(records.map((r) => r.receiver.runtime.kind)).toEqual(['browser', 'browser']);
    await until(() => dash.filter((d) => d.startsWith('preview')).length === 2, 'previews on the dashboard');
    expect(dash.filter((d) => d.startsWith('trial.')).map((d) => d.split(':')[0])).toEqual([
      'trial.start',
      'trial.progress',
      'trial.progress',
      'trial.end',
    ]);
    expect(dash.filter((d) => d === 'record:record')).toHaveLength(2);
  } finally {
    closePhone();
    dashboard.close();
  }
});
