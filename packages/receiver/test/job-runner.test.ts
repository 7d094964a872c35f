/**
 * The job runner both receivers use, on the real bundle (onnxruntime-node): a Local AIGC
 * request, an Edge AIGC image and a bad latent, payloads that are no job, arrival order,
 * and a link that refuses what the runner sends. Messages leave through `send` as they would
 * through a NodeSession; here they are collected.
 */
import type { SplitPipeline } from '@semaigc/diffusion';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';
import { loadNodePipeline } from '@semaigc/node-kit';
import {
  encode,
  makeMessage,
  parseChannelConfig,
  type Capabilities,
  type ErrorMessage,
  type Message,
  type PreviewMessage,
  type RecordMessage,
  type RequestBodyInput,
} from '@semaigc/protocol';
import { JobRunner, ReceiverCore, type JobOutcome } from '../src';
import { nodeCapabilities } from './capabilities';

const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;
const NODE = 'rx-runner';
const SOURCE = 'semaigc.v1.receiver.rx-runner.latent';

let pipeline: SplitPipeline;
/** A finished image from the first test, sent back later as an Edge AIGC job. */
let generated: PreviewMessage['image'] | null = null;

beforeAll(async () => {
  pipeline = await loadNodePipeline({ bundleDir: BUNDLE_DIR });
}, 120_000);

afterAll(async () => {
  await pipeline?.release();
});

const capabilities = (): Capabilities => nodeCapabilities(pipeline);

function body(requestId: string, over: Partial<RequestBodyInput> = {}): RequestBodyInput {
  const now = Date.now();
  return {
    trialId: 'trial-runner',
    requestId,
    prompt: 'a large red circle in the centre on a blue background',
    seed: 5,
    totalSteps: 2,
    edgeSteps: 0,
    guidanceScale: 3.5,
    channel: parseChannelConfig({ mode: 'ideal', snrDb: 10 }),
    policy: 'local-only',
    latency: { minS: 5, maxS: 25, failureS: 60 },
    deadline: now + 60_000,
    receiverId: NODE,
    replyTo: 'semaigc.v1.error',
    createdAt: now,
    ...over,
  };
}

const timings = () => ({
  queueMs: 0,
  textEncodeMs: 1,
  edgeStepsMs: 1,
  channelMs: 0,
  decodeMs: 0,
  txEmulatedMs: 0,
  receivedAt: Date.now(),
  sentAt: Date.now(),
});

const meta = {
  mode: 'ideal',
  snrDbSet: 10,
  snrDbMeasured: null,
  hRe: 1,
  hIm: 0,
  noiseVariance: 0,
  fading: 'none',
  equalizer: null,
  bitErrorRate: null,
  txSeconds: 0,
  txEmulated: false,
} as const;

function imageJob(requestId: string): Uint8Array {
  const image = generated!;
  return encode(
    makeMessage('image', {
      requestId,
      edgeId: 'edge-1',
      request: body(requestId, { edgeSteps: 2, deliver: 'image', policy: 'edge-only', edgeId: 'edge-1' }),
      image: { width: image.width, height: image.height, format: 'rgba8', data: image.data },
      channel: meta,
      timings: { ...timings(), stepMs: [] },
    }),
  );
}

/** A runner whose sends are collected (or refused by `refuse`). */
function runner(
  refuse: (m: Message) => boolean = () => false,
  device: { computeShare?: number; maxConcurrent?: number } = {},
) {
  const sent: Message[] = [];
  const outcomes: JobOutcome[] = [];
  const core = new ReceiverCore({
    pipeline,
    nodeId: NODE,
    capabilities,
    ...(device.computeShare ? { computeShare: device.computeShare } : {}),
  });
  const r = new JobRunner({
    ...(device.maxConcurrent ? { maxConcurrent: device.maxConcurrent } : {}),
    core,
    nodeId: NODE,
    clock: Date.now,
    send: (m) => {
      if (refuse(m)) throw new Error(`the link refused a ${m.type}`);
      sent.push(m);
    },
    onOutcome: (o) => outcomes.push(o),
  });
  return { r, sent, outcomes };
}

test('a Local AIGC request: the record, then a preview of the same image', async () => {
  const { r, sent, outcomes } = runner();
  r.enqueue('request', encode(makeMessage('request', body('req-local'))));
  await r.idle();
  expect(outcomes.map((o) => o.kind)).toEqual(['started', 'done']);
  expect(sent.map((m) => m.type)).toEqual(['record', 'preview']);
  const [record, preview] = sent as [RecordMessage, PreviewMessage];
  expect(record).toMatchObject({
    requestId: 'req-local',
    receiverId: NODE,
    edgeId: null,
    failed: false,
    payloadBytes: 0,
  });
  expect(preview).toMatchObject({ requestId: 'req-local', receiverId: NODE });
  expect(preview.image.data.length).toBe(preview.image.width * preview.image.height * 4);
  generated = preview.image;
  expect(r.inFlight + r.queued).toBe(0);
});

test.each([
  ['bytes that are no message', new Uint8Array([0xc1, 0xff, 0x00]), /./],
  [
    'a message that is not a job',
    encode(makeMessage('bye', { nodeId: 'edge-1', role: 'edge', reason: 'x', sentAt: Date.now() })),
    /carried a 'bye' message, expected latent, image or request/,
  ],
])('%s: answered with an error naming this node, dropped', async (_name, bytes, reason) => {
  const { r, sent, outcomes } = runner();
  r.enqueue(SOURCE, bytes);
  await r.idle();
  expect(outcomes).toHaveLength(1);
  const dropped = outcomes[0]!;
  if (dropped.kind !== 'dropped') throw new Error(`expected dropped, got ${dropped.kind}`);
  expect(dropped.source).toBe(SOURCE);
  expect(sent).toEqual([dropped.fault]);
  expect(dropped.fault).toMatchObject({ type: 'error', nodeId: NODE });
  expect(dropped.fault.reason).toMatch(reason);
});

test('a latent of the wrong size becomes a failed record naming the request; the next job is served', async () => {
  const { r, sent, outcomes } = runner();
  const bad = makeMessage('latent', {
    requestId: 'req-bad',
    edgeId: 'edge-1',
    request: body('req-bad', { edgeSteps: 1, policy: 'fixed', edgeId: 'edge-1' }),
    stepIndex: 1,
    timestep: 500,
    tensor: { dtype: 'float32', shape: [1, 2, 2], data: new Float32Array(4) },
    channel: meta,
    timings: { ...timings(), stepMs: [1] },
  });
  r.enqueue(SOURCE, encode(bad));
  r.enqueue('image', imageJob('req-after'));
  await r.idle();
  expect(outcomes.map((o) => o.kind)).toEqual(['started', 'failed', 'started', 'done']);
  const failed = sent[0] as RecordMessage;
  expect(failed).toMatchObject({ type: 'record', requestId: 'req-bad', failed: true, receiverId: NODE });
  expect(failed.failure!.reason).toMatch(/req-bad/);
  expect(failed.failure!.code).not.toBe('INTERNAL');
  expect(sent.slice(1).map((m) => [m.type, (m as RecordMessage).requestId])).toEqual([
    ['record', 'req-after'],
    ['preview', 'req-after'],
  ]);
});

test('jobs run one at a time in arrival order; queueing shows in queued', async () => {
  const { r, outcomes } = runner();
  r.enqueue('image', imageJob('img-1'));
  r.enqueue('image', imageJob('img-2'));
  expect(r.queued).toBe(2);
  await r.idle();
  const seen = outcomes.map((o) => {
    if (o.kind === 'started') return `started ${o.job.requestId} (${o.queued} queued)`;
    if (o.kind === 'done') return `done ${o.record.requestId}`;
    return o.kind;
  });
  expect(seen).toEqual(['started img-1 (1 queued)', 'done img-1', 'started img-2 (0 queued)', 'done img-2']);
});

test('a record the link refuses is reported as an error; a link that refuses everything stops nothing', async () => {
  const records = runner((m) => m.type === 'record');
  records.r.enqueue('image', imageJob('img-refused'));
  await records.r.idle();
  expect(records.outcomes.map((o) => o.kind)).toEqual(['started', 'failed']);
  expect(records.sent).toHaveLength(1);
  expect(records.sent[0]).toMatchObject({ type: 'error', requestId: 'img-refused', nodeId: NODE });
  expect((records.sent[0] as ErrorMessage).reason).toMatch(/the link refused a record/);

  const all = runner(() => true);
  all.r.enqueue('image', imageJob('img-a'));
  all.r.enqueue('image', imageJob('img-b'));
  await all.r.idle();
  expect(all.outcomes.map((o) => o.kind)).toEqual(['started', 'failed', 'started', 'failed']);
});

test('a slow device (share 0.2) honours maxConcurrent 2: never 3 at once, the wait is in queueMs', async () => {
  const { r, sent, outcomes } = runner(() => false, { computeShare: 0.2, maxConcurrent: 2 });
  let most = 0;
  for (const id of ['slow-1', 'slow-2', 'slow-3']) {
    r.enqueue('request', encode(makeMessage('request', body(id))));
  }
  const tick = setInterval(() => (most = Math.max(most, r.inFlight)), 5);
  await r.idle();
  clearInterval(tick);
  expect(most).toBe(2);
  const queuedAtStart = outcomes.flatMap((o) => (o.kind === 'started' ? [o.queued] : []));
  expect(queuedAtStart).toEqual([2, 1, 0]);
  const records = sent.filter((m): m is RecordMessage => m.type === 'record');
  const first = records.filter((m) => m.requestId !== 'slow-3').map((m) => m.timings.receiverStepsMs ?? 0);
  const third = records.find((m) => m.requestId === 'slow-3')!;
  // slow-3 waited until one of the first two finished: at least that one's receiver steps.
  expect(third.timings.queueMs).toBeGreaterThanOrEqual(Math.min(...first));
  expect(
    records.filter((m) => m.requestId !== 'slow-3').every((m) => m.timings.queueMs! < third.timings.queueMs!),
  ).toBe(true);
}, 120_000);

test('maxConcurrent must be a whole number of jobs', () => {
  const core = new ReceiverCore({ pipeline, nodeId: NODE, capabilities });
  const make = (maxConcurrent: number) =>
    new JobRunner({ core, nodeId: NODE, clock: Date.now, send: () => undefined, maxConcurrent });
  expect(() => make(0)).toThrow(/maxConcurrent must be an integer >= 1, got 0/);
  expect(() => make(1.5)).toThrow(/maxConcurrent/);
});
