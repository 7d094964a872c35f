/**
 * Several edges with a capacity (steps in flight) over a real nats-server: an overload
 * crashes every task in flight on the edge under crash semantics (records carry
 * EDGE_CRASH, the edge is told to drop each task), or is refused under reject semantics
 * and retried on another edge; the ASP selectors choose by the registry's live capacity.
 * The edges and receivers are protocol-speaking test peers (helpers.ts): inference is not
 * under test here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLearner, QUICK_BUDGET, toCheckpoint, calibratedProfile } from '@semaigc/asp';
import { createRng, initTensorflow } from '@semaigc/root';
import { makeMessage, type Capabilities, type HelloMessage, type QualityProfile } from '@semaigc/protocol';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import {
  type CoordinatorHandle,
  createEdgeSelector,
  NodeRegistry,
  parseTrialConfig,
  startCoordinator,
  type TrialConfigInput,
} from '../src';
import { captureLogger, caps, TestEdge, TestReceiver, until } from './helpers';

// Generous: a busy 2-core CI machine; every wait below is a polled condition, not a timing.
jest.setTimeout(120_000);

let nats: NatsServer;
let runsDir: string;
let coord: CoordinatorHandle;
const peers: { close(): Promise<void> }[] = [];
const log = captureLogger();

// Payloads leave a test edge 3 s after it accepted: requests 10 ms apart pile up on the edges.
const HOLD_MS = 3000;

const BASE: TrialConfigInput = {
  prompts: ['a small red circle on the left on a blue background'],
  seeds: 7,
  totalSteps: 20,
  policy: { kind: 'fixed', edgeSteps: 10 },
  snr: { kind: 'sweep', valuesDb: [10] },
  latency: { minS: 30, maxS: 50, failureS: 60 },
  receivers: { waitS: 5 },
  arrival: { kind: 'fixed', intervalMs: 10 },
};

async function capEdge(id: string, capacitySteps: number): Promise<TestEdge> {
  const e = await new TestEdge(id, { delayMs: HOLD_MS }, caps({ capacitySteps })).start(nats.url);
  peers.push(e);
  return e;
}

beforeAll(async () => {
  await initTensorflow('cpu');
  nats = await startNatsServer({ jetstream: false });
  runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-asp-edges-'));
  coord = await startCoordinator({
    natsUrl: nats.url,
    runsDir,
    logger: log.logger,
    heartbeatIntervalMs: 150,
    nodeTimeoutMs: 1500,
    dashboardRoot: path.join(runsDir, 'no-dashboard'),
  });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await until(() => coord.registry.list({ online: true }).length === 0, 'peers offline', 10_000);
});

afterAll(async () => {
  await coord?.close();
  await nats?.stop();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

test('crash semantics, 4 edges: an overload fails every task in flight on that edge with EDGE_CRASH', async () => {
  const edges = await Promise.all(['edge-0', 'edge-1', 'edge-2', 'edge-3'].map((id) => capEdge(id, 20)));
  const rx = new TestReceiver('rx-1');
  peers.push(await rx.start(nats.url));
  // Round robin sends the 9th request (index 8) to edge-0, which holds requests 0 and 4
  // (2 × 10 = its capacity 20): it crashes.
  const summary = await coord.runTrial(
    { ...BASE, name: 'asp crash', edgeSelector: 'round-robin', overload: 'crash', requestsPerReceiver: 12 },
    {},
  );
  const records = fs
    .readFileSync(summary.files.records, 'utf8')
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          requestId: string;
          edgeId: string | null;
          failure: { code: string; reason: string } | null;
        },
    );
  const crashed = records.filter((r) => r.failure?.code === 'EDGE_CRASH');
  expect(crashed.length).toBeGreaterThanOrEqual(3);
  expect(summary.failuresByCode.EDGE_CRASH).toBe(crashed.length);
  // The request that overflowed the edge and the tasks it interrupted, all on crashed edges.
  expect(crashed.some((r) => /caused the crash/.test(r.failure!.reason))).toBe(true);
  expect(crashed.some((r) => /in flight on it/.test(r.failure!.reason))).toBe(true);
  // Each interrupted task's edge was told to drop it (EDGE_CRASH on its control subject).
  for (const r of crashed.filter((c) => /in flight on it/.test(c.failure!.reason))) {
    const e = edges.find((x) => x.nodeId === r.edgeId)!;
    await until(
      () =>
        e.received.some((m) => m.type === 'error' && m.code === 'EDGE_CRASH' && m.requestId === r.requestId),
      `EDGE_CRASH for ${r.requestId} on ${r.edgeId}`,
    );
  }
  // Never more than its capacity in flight on an edge: every request an edge was sent fits.
  expect(summary.requests).toBe(12);
  expect(coord.registry.stepsInFlight('edge-0')).toBe(0);
});

test('reject semantics: the overloaded edge refuses (EDGE_OVERLOADED) and the request runs on another edge', async () => {
  // edge-a can never take a request of 10 steps: every request round robin sends it is
  // refused, whatever the timing, and retried on edge-b.
  const tight = await capEdge('edge-a', 5);
  const roomy = await capEdge('edge-b', 60);
  const rx = new TestReceiver('rx-2');
  peers.push(await rx.start(nats.url));
  const summary = await coord.runTrial(
    {
      ...BASE,
      name: 'asp reject',
      edgeSelector: 'round-robin',
      overload: 'reject',
      retries: { max: 2 },
      requestsPerReceiver: 4,
    },
    {},
  );
  const records = fs
    .readFileSync(summary.files.records, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { edgeId: string | null; retries: number; failed: boolean });
  expect(summary.failuresByCode.EDGE_CRASH).toBeUndefined();
  expect(summary.failed).toBe(0);
  expect(tight.requests).toHaveLength(0); // refused by the coordinator on its behalf
  expect(roomy.requests).toHaveLength(4);
  expect(records.map((r) => r.edgeId)).toEqual(Array(4).fill('edge-b'));
  expect(records.filter((r) => r.retries === 1).length).toBeGreaterThanOrEqual(1);
  expect(log.lines.some((l) => l.code === 'EDGE_OVERLOADED')).toBe(true);
});

describe('ASP selectors on live registry values', () => {
  const hello = (reg: NodeRegistry, nodeId: string, c: Partial<Capabilities>): void => {
    reg.hello(
      makeMessage('hello', {
        nodeId,
        role: 'edge',
        name: nodeId,
        capabilities: caps(c),
        sentAt: Date.now(),
      }) as HelloMessage,
      { kind: 'nats' },
    );
  };
  const good: QualityProfile = { ax: 0, ay: 0.1, bx: 10, by: 0.9 };
  const poor: QualityProfile = { ax: 0, ay: 0.1, bx: 10, by: 0.3 };
  function lab(): NodeRegistry {
    const reg = new NodeRegistry();
    hello(reg, 'e0', { capacitySteps: 40, qualityProfile: good });
    hello(reg, 'e1', { capacitySteps: 40, qualityProfile: poor });
    hello(reg, 'e2', { capacitySteps: 20, qualityProfile: poor });
    return reg;
  }
  const ctx = (reg: NodeRegistry, steps: number) => {
    const online = reg.list({ role: 'edge', online: true });
    return {
      requestId: 'r',
      candidates: online,
      excluded: new Set<string>(),
      steps,
      online,
      stepsInFlight: (id: string) => reg.stepsInFlight(id),
    };
  };
  const pick = (name: string, reg: NodeRegistry, steps: number, options = {}) => {
    const c = createEdgeSelector(name, options).select(ctx(reg, steps));
    return c.kind === 'edge' ? c.edge.nodeId : c.kind;
  };

  test('crash-avoid follows the steps in flight; the prophet takes the best curve that has room', () => {
    const reg = lab();
    expect(pick('crash-avoid', reg, 10)).toBe('e0');
    reg.reserve('e0', 30);
    expect(pick('crash-avoid', reg, 10)).toBe('e1');
    expect(pick('prophet', reg, 10)).toBe('e0'); // 10 free on e0: fits, best curve
    reg.reserve('e0', 5);
    expect(pick('prophet', reg, 10)).toBe('e1'); // no room on e0 now
    reg.release('e0', 35);
    expect(pick('prophet', reg, 10)).toBe('e0');
  });

  test('round-robin cycles; the prophet refuses to guess a curve an edge never announced', () => {
    const reg = lab();
    const rr = createEdgeSelector('round-robin');
    const seq = [0, 1, 2, 3].map(() => {
      const c = rr.select(ctx(reg, 10));
      return c.kind === 'edge' ? c.edge.nodeId : c.kind;
    });
    expect(seq).toEqual(['e0', 'e1', 'e2', 'e0']);
    hello(reg, 'e3', { capacitySteps: 20 });
    const c = createEdgeSelector('prophet').select(ctx(reg, 10));
    expect(c.kind === 'none' && c.reason).toMatch(/e3 has no quality curve/);
  });

  test('a learner checkpoint acts on the whole lab in the calibrated order; a size mismatch is said', () => {
    const reg = lab();
    const learner = createLearner('dqn', 2 + 2 * 3, 3, QUICK_BUDGET, createRng(1));
    const profile = calibratedProfile({
      name: 'lab',
      edges: ['e2', 'e0', 'e1'].map((edgeId) => ({
        edgeId,
        capacity: 40,
        curve: good,
        rmse: null,
        points: null,
      })),
      taskStepChoices: [10, 20],
      runtime: { overheadS: 0.5, perStepS: 0.1 },
      arrivalRate: 1,
      episodeSeconds: 60,
    });
    const checkpoint = JSON.parse(
      JSON.stringify(toCheckpoint(learner, { profile: profile.profile })),
    ) as unknown;
    learner.dispose();
    const chosen = pick('dqn', reg, 10, { checkpoint, profile });
    expect(['e0', 'e1', 'e2']).toContain(chosen);
    hello(reg, 'e3', { capacitySteps: 20 });
    const c = createEdgeSelector('dqn', { checkpoint }).select(ctx(reg, 10));
    expect(c.kind === 'none' && c.reason).toMatch(/acts on 3 edges, the lab has 4 online/);
    expect(() => createEdgeSelector('sac', { checkpoint })).toThrow(/is a dqn checkpoint/);
  });

  test('trial config: overload and aspSelector are validated, a learner selector needs its checkpoint', () => {
    expect(parseTrialConfig({ overload: 'crash' }).overload).toBe('crash');
    expect(parseTrialConfig({}).overload).toBe('reject');
    expect(() => parseTrialConfig({ overload: 'explode' })).toThrow(/overload: must be one of crash, reject/);
    expect(() => parseTrialConfig({ edgeSelector: 'd2sac' })).toThrow(
      /aspSelector.checkpoint: is required by the d2sac/,
    );
    expect(parseTrialConfig({ edgeSelector: 'prophet' }).edgeSelector).toBe('prophet');
  });
});
