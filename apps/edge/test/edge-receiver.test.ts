/**
 * The edge and a headless receiver on a real nats-server with the real bundle; the test
 * plays the coordinator (it sends requests and listens for records).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';
import { createLogger, loadNodePipeline } from '@semaigc/node-kit';
import {
  decode,
  edgeRequestSubject,
  encode,
  PROTOCOL_VERSION,
  RECORD_SUBJECT,
  receiverLatentSubject,
  receiverRequestSubject,
  type Message,
  type RecordMessage,
  type RequestMessage,
} from '@semaigc/protocol';
import { startReceivers, type ReceiversHandle } from '@semaigc/receiver-node';
import type { SplitPipeline } from '@semaigc/diffusion';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import { startEdge, type EdgeHandle } from '../src';
import { generate } from '../src/generate';

const bundleDir = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;
const logger = createLogger('test', 'silent');

let server: NatsServer;
let nc: NatsConnection;
let pipeline: SplitPipeline;
let edge: EdgeHandle;
let rx: ReceiversHandle;
const records = new Map<string, RecordMessage>();
const waiters = new Map<string, (r: RecordMessage) => void>();

beforeAll(async () => {
  server = await startNatsServer();
  pipeline = await loadNodePipeline({ bundleDir });
  edge = await startEdge({ natsUrl: server.url, id: 'edge-t', pipeline, logger });
  rx = await startReceivers({ natsUrl: server.url, idPrefix: 'rx-t', count: 1, pipeline, logger });
  nc = await connect({ servers: server.url });
  nc.subscribe(RECORD_SUBJECT, {
    callback: (_e, m) => {
      const r = decode(m.data) as RecordMessage;
      records.set(r.requestId, r);
      waiters.get(r.requestId)?.(r);
    },
  });
}, 60_000);

afterAll(async () => {
  await rx?.close();
  await edge?.close();
  await nc?.close();
  await pipeline?.release();
  await server?.stop();
}, 60_000); // closing the nodes waits for their last record publish to settle (more than 5 s in CI)

function recordOf(requestId: string): Promise<RecordMessage> {
  const have = records.get(requestId);
  if (have) return Promise.resolve(have);
  return new Promise((resolve) => waiters.set(requestId, resolve));
}

let n = 0;
function request(over: Partial<RequestMessage> = {}): RequestMessage {
  const now = Date.now();
  return {
    v: PROTOCOL_VERSION,
    type: 'request',
    trialId: 'trial-t',
    requestId: `req-${n++}`,
    prompt: 'a large red circle in the centre on a blue background',
    seed: 7,
    totalSteps: 10,
    edgeSteps: 5,
    guidanceScale: 3.5,
    channel: {
      mode: 'analog',
      snrDb: 5,
      normalize: true,
      fading: { kind: 'none' },
      equalizer: 'zf',
      csi: { kind: 'perfect' },
      link: { bandwidthHz: 20e6, emulate: false },
    },
    policy: 'fixed',
    checkpointId: null,
    latency: { minS: 5, maxS: 25, failureS: 60 },
    deadline: now + 60_000,
    receiverId: rx.ids[0]!,
    replyTo: 'test.errors',
    receiverVariant: null,
    edgeId: 'edge-t',
    deliver: 'latent',
    createdAt: now,
    attempt: 0,
    computeReference: false,
    ...over,
  };
}

async function ask(req: RequestMessage): Promise<Message> {
  const reply = await nc.request(edgeRequestSubject('edge-t'), encode(req), { timeout: 10_000 });
  return decode(reply.data);
}

test('a split request: accepted by the edge, latent through the channel, record from the receiver', async () => {
  const req = request({ computeReference: true });
  const ack = await ask(req);
  expect(ack.type).toBe('request.accepted');
  const r = await recordOf(req.requestId);
  expect(r.failed).toBe(false);
  expect(r.edgeId).toBe('edge-t');
  expect(r.receiverId).toBe(rx.ids[0]);
  expect(r.edgeSteps).toBe(5);
  expect(r.channelMode).toBe('analog');
  expect(r.snrDbMeasured).not.toBeNull();
  expect(Math.abs(r.snrDbMeasured! - 5)).toBeLessThan(3); // 256 samples: a few tenths of a dB of spread
  expect(r.noiseVariance).toBeGreaterThan(0);
  expect(r.payloadBytes).toBeGreaterThan(4 * 8 * 8 * 4);
  expect(r.receiverVariant).toBe('remap'); // DEFAULT_RECEIVER_VARIANT
  expect(r.quality.psnr).not.toBeNull();
  expect(r.quality.ssim).not.toBeNull();
  expect(r.quality.consistency).toBeGreaterThanOrEqual(0);
  expect(r.timings.edgeStepsMs).toBeGreaterThan(0);
  expect(r.timings.receiverStepsMs).toBeGreaterThan(0);
}, 60_000);

test('an ideal channel at a = T̂ reproduces the reference exactly', async () => {
  const req = request({
    edgeSteps: 10,
    computeReference: true,
    channel: { ...request().channel, mode: 'ideal' },
  });
  expect((await ask(req)).type).toBe('request.accepted');
  const r = await recordOf(req.requestId);
  expect(r.quality.psnr).toBe(100); // identical to the channel-free reference (capped)
  expect(r.quality.ssim).toBeCloseTo(1, 6);
}, 60_000);

test('Edge AIGC sends the image; Local AIGC goes to the receiver directly', async () => {
  const img = request({ edgeSteps: 10, deliver: 'image' });
  expect((await ask(img)).type).toBe('request.accepted');
  const ri = await recordOf(img.requestId);
  expect(ri.deliver).toBe('image');
  expect(ri.payloadBytes).toBeGreaterThan(64 * 64 * 4);
  const local = request({ edgeSteps: 0, edgeId: null });
  nc.publish(receiverRequestSubject(rx.ids[0]!), encode(local));
  const rl = await recordOf(local.requestId);
  expect(rl.edgeId).toBeNull();
  expect(rl.payloadBytes).toBe(0);
  expect(rl.failed).toBe(false);
}, 60_000);

test('bad input is answered or dropped with a reason and the nodes keep serving', async () => {
  const junk = await nc.request(edgeRequestSubject('edge-t'), new Uint8Array([1, 2, 3]), { timeout: 5000 });
  const err = decode(junk.data);
  expect(err.type).toBe('error');
  const local = await ask(request({ edgeSteps: 0 }));
  expect(local).toMatchObject({ type: 'error', code: 'BAD_MESSAGE' });
  nc.publish(receiverLatentSubject(rx.ids[0]!), new Uint8Array([0xc1, 0xff]));
  const after = request();
  expect((await ask(after)).type).toBe('request.accepted');
  expect((await recordOf(after.requestId)).failed).toBe(false);
  expect(rx.stats()[0]!.dropped).toBe(1);
}, 60_000);

test('a request with stated step times: the record says which it ran under', async () => {
  const stepTime = { edgeMs: 20, receiverMs: 30 };
  const req = request({ stepTime });
  expect((await ask(req)).type).toBe('request.accepted');
  const r = await recordOf(req.requestId);
  expect(r.failed).toBe(false);
  expect(r.stepTime).toEqual(stepTime);
  const plain = request();
  expect((await ask(plain)).type).toBe('request.accepted');
  expect((await recordOf(plain.requestId)).stepTime).toBeUndefined();
}, 60_000);

/** Runs one request through `generate` with a sleep that only records what it was asked to wait. */
async function pads(req: RequestMessage, computeShare = 1): Promise<{ pads: number[]; edgeStepsMs: number }> {
  const asked: number[] = [];
  let clock = 1_760_000_000_000;
  const sleep = (ms: number): Promise<void> => {
    asked.push(ms);
    clock += ms;
    return Promise.resolve();
  };
  const out = await generate(
    { pipeline, edgeId: 'edge-t', computeShare, now: () => clock, sleep },
    req,
    clock,
  );
  return { pads: asked, edgeStepsMs: out.timings.edgeStepsMs };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

test('a stated step time pads each of the a steps: one wait per step, filling the steps up to a·stated (injected clock)', async () => {
  const stated = 500; // far above a step of the default bundle (milliseconds)
  const req = request({ edgeSteps: 4, stepTime: { edgeMs: stated, receiverMs: null } });
  const { pads: asked, edgeStepsMs } = await pads(req);
  expect(asked).toHaveLength(4);
  for (const ms of asked) {
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(stated);
  }
  // The waits plus the measured steps make a·stated; edgeStepsMs (real time: the injected
  // sleep returns at once) holds the steps' compute and the bookkeeping between them.
  expect(sum(asked) + edgeStepsMs).toBeGreaterThanOrEqual(4 * stated - 1e-6);
}, 60_000);

test('a stated time below the measured step pads nothing, and neither does none at full share', async () => {
  const tiny = request({ edgeSteps: 4, stepTime: { edgeMs: 1e-6, receiverMs: null } });
  expect((await pads(tiny)).pads).toEqual([]);
  expect((await pads(request({ edgeSteps: 4 }))).pads).toEqual([]);
}, 60_000);

test('the compute share still stretches a stated step (stated / p)', async () => {
  const stated = 500;
  const req = request({ edgeSteps: 4, stepTime: { edgeMs: stated, receiverMs: null } });
  const full = await pads(req, 1);
  const half = await pads(req, 0.5);
  expect(half.pads).toHaveLength(4);
  // Each step waits stated/p − measured instead of stated − measured: 4·stated more in all,
  // up to the difference between the two runs' measured steps (milliseconds).
  const extra = sum(half.pads) - sum(full.pads);
  expect(extra).toBeGreaterThan(3.5 * stated);
  expect(extra).toBeLessThan(4.5 * stated);
}, 60_000);
