/**
 * A node's own device profile (`semaigc edge|receiver --step-time`): the edge and the receiver
 * pad each step to the stated time when a request states none (a trial's stepTime wins), and
 * announce that step time. Real bundle, real nats-server; sleeps are injected where the pads are
 * read (they only record what was asked), so nothing here depends on the machine's speed
 * beyond a default-bundle step taking well under 0.5 s.
 */
import { startEdge } from '@semaigc/edge';
import type { SplitPipeline } from '@semaigc/diffusion';
import { loadNodePipeline, nodeDeviceProfile, startNatsServer, type NatsServer } from '@semaigc/node-kit';
import { PROTOCOL_VERSION, type Capabilities, type RequestMessage } from '@semaigc/protocol';
import { ReceiverCore } from '@semaigc/receiver';
import { startReceivers } from '@semaigc/receiver-node';
import { sampleRequest } from '../apps/coordinator/test/helpers';
import { generate } from '../apps/edge/src/generate';
import { BUNDLE_DIR, quiet } from './helpers/lab';

const STATED = 500; // ms, far above a default-bundle step

let pipeline: SplitPipeline;
let nats: NatsServer;
beforeAll(async () => {
  pipeline = await loadNodePipeline({ bundleDir: BUNDLE_DIR });
  nats = await startNatsServer();
}, 60_000);
afterAll(async () => {
  await nats?.stop();
  await pipeline?.release();
});

const request = (over: Partial<Omit<RequestMessage, 'v' | 'type'>> = {}): RequestMessage => ({
  ...sampleRequest({ totalSteps: 4, edgeSteps: 4, ...over }),
  v: PROTOCOL_VERSION,
  type: 'request',
});

/** The waits `generate` asks for with the node's step time `nodeMs` (null: none). */
async function edgePads(req: RequestMessage, nodeMs: number | null): Promise<number[]> {
  const asked: number[] = [];
  const sleep = (ms: number): Promise<void> => (asked.push(ms), Promise.resolve());
  await generate(
    { pipeline, edgeId: 'edge-t', computeShare: 1, stepTimeMs: nodeMs, now: () => Date.now(), sleep },
    req,
    Date.now(),
  );
  return asked;
}

test('edge: each step padded up to the node’s stated time when the request states none; the request’s wins', async () => {
  const node = await edgePads(request(), STATED);
  expect(node).toHaveLength(4);
  for (const ms of node) expect(ms).toBeGreaterThan(STATED - 500);
  // A trial's stated time overrides the node's (here 4× longer).
  const trial = await edgePads(request({ stepTime: { edgeMs: 4 * STATED, receiverMs: null } }), STATED);
  for (const ms of trial) expect(ms).toBeGreaterThan(4 * STATED - 500);
  // The control: no stated time anywhere at full share pads nothing.
  expect(await edgePads(request(), null)).toEqual([]);
}, 60_000);

test('receiver: a Local AIGC request is padded to the node’s stated time per step', async () => {
  const asked: number[] = [];
  const capabilities = (): Capabilities => ({
    runtime: { kind: 'node', version: process.version },
    backend: 'cpu',
    stepMs: STATED,
    computeShare: 1,
    profile: nodeDeviceProfile('cpu'),
    maxConcurrent: 1,
    bundleId: pipeline.bundle.manifest.name,
  });
  const core = new ReceiverCore({
    pipeline,
    nodeId: 'rx-t',
    capabilities,
    stepTimeMs: STATED,
    sleep: (ms) => (asked.push(ms), Promise.resolve()),
  });
  const { record } = await core.handle(
    request({
      edgeSteps: 0,
      policy: 'local-only',
      channel: { ...sampleRequest().channel, mode: 'ideal' },
      createdAt: Date.now(),
    }),
    { arrivedAt: Date.now(), payloadBytes: 0 },
  );
  expect(record.failed).toBe(false);
  expect(asked).toHaveLength(4);
  for (const ms of asked) expect(ms).toBeGreaterThan(STATED - 500);
}, 60_000);

test('both nodes announce the stated step time (stated/p) instead of the measured one', async () => {
  const rx = await startReceivers({
    natsUrl: nats.url,
    pipeline,
    stepTimeMs: STATED,
    computeShare: 0.5,
    logger: quiet,
  });
  const edge = await startEdge({ natsUrl: nats.url, pipeline, stepTimeMs: STATED, logger: quiet });
  try {
    expect(rx.stepMs).toBe(STATED / 0.5);
    // The edge's handle keeps its measured step; the stated one is what it announces (hello).
    expect(edge.stepMs).toBeLessThan(STATED);
    await expect(startEdge({ natsUrl: nats.url, pipeline, stepTimeMs: -1, logger: quiet })).rejects.toThrow(
      /stepTimeMs/,
    );
  } finally {
    await edge.close();
    await rx.close();
  }
}, 60_000);
