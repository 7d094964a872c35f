/**
 * One valid sample of every message type, built the way nodes build them. Tests mutate
 * copies of these; the fuzz test mutates their encodings.
 */
import {
  type Capabilities,
  type ChannelMeta,
  type MessageInput,
  type MessageType,
  type RequestBodyInput,
  type Tensor,
  PROTOCOL_VERSION,
  makeMessage,
  parseChannelConfig,
} from '@semaigc/protocol';

const T0 = 1_760_000_000_000;

export const capabilities: Capabilities = {
  runtime: { kind: 'node', version: 'v20.20.2' },
  backend: 'cpu',
  stepMs: 41.5,
  computeShare: 0.5,
  profile: { userAgent: null, platform: 'linux x64', cores: 2, memoryGiB: 24, backend: 'cpu' },
  maxConcurrent: 1,
  bundleId: 'semaigc-shapes-v1',
};

export const browserCapabilities: Capabilities = {
  runtime: { kind: 'browser', version: 'Chrome 130' },
  backend: 'webgpu',
  stepMs: null,
  computeShare: 1,
  profile: {
    userAgent: 'Mozilla/5.0 (Linux; Android 14)',
    platform: 'Android',
    cores: 8,
    memoryGiB: 8,
    backend: 'webgpu',
  },
  maxConcurrent: 1,
  bundleId: null,
};

export function requestBody(over: Partial<RequestBodyInput> = {}): RequestBodyInput {
  return {
    trialId: 'trial-1',
    requestId: 'req-abc',
    prompt: 'a large red circle on the left on a blue background',
    seed: 42,
    totalSteps: 20,
    edgeSteps: 12,
    guidanceScale: 7.5,
    channel: parseChannelConfig({ mode: 'analog', snrDb: 10 }),
    policy: 'root',
    checkpointId: 'root-ckpt-3',
    latency: { minS: 2, maxS: 10, failureS: 60 },
    deadline: T0 + 60_000,
    receiverId: 'phone-7',
    replyTo: 'semaigc.v1.error',
    receiverVariant: null,
    edgeId: null,
    deliver: 'latent',
    createdAt: T0,
    attempt: 0,
    ...over,
  };
}

export const channelMeta: ChannelMeta = {
  mode: 'analog',
  snrDbSet: 10,
  snrDbMeasured: 9.87,
  hRe: 1,
  hIm: 0,
  noiseVariance: 0.0123,
  fading: 'none',
  equalizer: 'zf',
  bitErrorRate: null,
  txSeconds: 0.0021,
  txEmulated: true,
};

/** A deterministic float32 latent (no RNG needed: a smooth pattern). */
export function latentTensor(shape: number[] = [4, 8, 8]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.37) * 1.3;
  return { dtype: 'float32', shape, data };
}

const timings = {
  queueMs: 1.5,
  textEncodeMs: 12,
  edgeStepsMs: 480,
  channelMs: 0.4,
  decodeMs: 0,
  txEmulatedMs: 2.1,
  receivedAt: T0 + 3,
  sentAt: T0 + 500,
};

export function latentMessage(tensor: Tensor = latentTensor()): MessageInput {
  return makeMessage('latent', {
    requestId: 'req-abc',
    edgeId: 'edge-1',
    request: requestBody(),
    stepIndex: 12,
    timestep: 401,
    tensor,
    channel: channelMeta,
    timings: { ...timings, stepMs: [40, 40.5, 39.9] },
  });
}

export function imageMessage(width = 4, height = 3): MessageInput {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
  return makeMessage('image', {
    requestId: 'req-abc',
    edgeId: 'edge-1',
    request: requestBody({ edgeSteps: 20, deliver: 'image' }),
    image: { width, height, format: 'rgba8', data },
    channel: { ...channelMeta, mode: 'digital', equalizer: null, bitErrorRate: 1e-4 },
    timings: { ...timings, decodeMs: 30 },
  });
}

export const record = makeMessage('record', {
  trialId: 'trial-1',
  requestId: 'req-abc',
  receiverId: 'phone-7',
  edgeId: 'edge-1',
  coordinatorId: 'coord',
  prompt: 'a large red circle on the left on a blue background',
  seed: 42,
  totalSteps: 20,
  edgeSteps: 12,
  deliver: 'latent',
  policy: 'root',
  checkpointId: 'root-ckpt-3',
  receiverVariant: null,
  channelMode: 'analog',
  snrDbSet: 10,
  snrDbMeasured: 9.87,
  noiseVariance: 0.0123,
  hRe: 1,
  hIm: 0,
  timings: {
    queueMs: 1.5,
    textEncodeMs: 12,
    edgeStepsMs: 480,
    txEmulatedMs: 2.1,
    transportMs: 3.4,
    receiverStepsMs: 610,
    decodeMs: 55,
    endToEndMs: 1180,
  },
  payloadBytes: 1623,
  quality: { psnr: 27.3, ssim: 0.91, consistency: null },
  latency: { minS: 2, maxS: 10, failureS: 60 },
  satisfaction: 1,
  failed: false,
  failure: null,
  retries: 0,
  receiver: browserCapabilities,
  edge: capabilities,
  startedAt: T0,
  completedAt: T0 + 1180,
});

/** Every message type → a valid sample. The round-trip test checks this covers them all. */
export const SAMPLES: { [T in MessageType]: () => MessageInput } = {
  hello: () =>
    makeMessage('hello', { nodeId: 'edge-1', role: 'edge', name: 'edge one', capabilities, sentAt: T0 }),
  welcome: () =>
    makeMessage('welcome', {
      nodeId: 'phone-7',
      coordinatorId: 'coord',
      heartbeatIntervalMs: 2000,
      nodeTimeoutMs: 6000,
      serverTime: T0,
    }),
  heartbeat: () =>
    makeMessage('heartbeat', {
      nodeId: 'edge-1',
      role: 'edge',
      seq: 17,
      sentAt: T0,
      inFlight: 1,
      queued: 3,
      stepMs: 40.2,
    }),
  bye: () => makeMessage('bye', { nodeId: 'phone-7', role: 'receiver', reason: 'tab closed', sentAt: T0 }),
  request: () => ({ v: PROTOCOL_VERSION, type: 'request', ...requestBody() }),
  'request.accepted': () =>
    makeMessage('request.accepted', {
      requestId: 'req-abc',
      trialId: 'trial-1',
      edgeId: 'edge-1',
      queueDepth: 0,
      acceptedAt: T0,
    }),
  latent: () => latentMessage(),
  'latent.packets': () =>
    makeMessage('latent.packets', {
      requestId: 'req-abc',
      edgeId: 'edge-1',
      request: requestBody(),
      stepIndex: 12,
      timestep: 401,
      tensor: { dtype: 'float32', shape: [4, 8, 8] },
      channel: channelMeta,
      timings,
      packets: { mode: 'unreliable', payloadId: 7, firstSeq: 448, count: 1, sentAt: T0 + 501 },
      payloadBytes: 1480,
    }),
  image: () => imageMessage(),
  record: () => record,
  'trial.start': () =>
    makeMessage('trial.start', {
      trialId: 'trial-1',
      name: 'snr sweep',
      policy: 'fixed',
      totalSteps: 20,
      requests: 100,
      receiverIds: ['phone-7', 'laptop-2'],
      edgeIds: ['edge-1'],
      seed: 7,
      channel: parseChannelConfig({ mode: 'analog', snrDb: 10 }),
      snr: { kind: 'sweep', valuesDb: [0, 5, 10] },
      latency: { minS: 2, maxS: 10, failureS: 60 },
      startedAt: T0,
    }),
  'trial.progress': () =>
    makeMessage('trial.progress', {
      trialId: 'trial-1',
      done: 10,
      failed: 1,
      total: 100,
      meanSatisfaction: 0.8,
      inFlight: 2,
      lastRequestId: 'req-abc',
      elapsedMs: 12000,
    }),
  'trial.end': () =>
    makeMessage('trial.end', {
      trialId: 'trial-1',
      status: 'completed',
      reason: null,
      done: 100,
      failed: 3,
      total: 100,
      meanSatisfaction: 0.77,
      endedAt: T0 + 100_000,
    }),
  'trial.assign': () =>
    makeMessage('trial.assign', {
      trialId: 'trial-1',
      receiverId: 'phone-7',
      computeShare: 0.25,
      receiverVariant: null,
      assignedAt: T0,
      delivery: { transport: 'webrtc', mode: 'unreliable' },
    }),
  'trial.release': () =>
    makeMessage('trial.release', { trialId: 'trial-1', receiverId: 'phone-7', reason: 'trial ended' }),
  preview: () =>
    makeMessage('preview', {
      trialId: 'trial-1',
      requestId: 'req-abc',
      receiverId: 'phone-7',
      edgeId: 'edge-1',
      prompt: 'a large red circle on the left on a blue background',
      totalSteps: 20,
      edgeSteps: 12,
      snrDbSet: 10,
      image: { width: 4, height: 3, format: 'rgba8', data: Uint8Array.from({ length: 48 }, (_, i) => i * 5) },
      createdAt: T0 + 1200,
    }),
  error: () =>
    makeMessage('error', {
      code: 'SHAPE_MISMATCH',
      reason: 'latent shape 4x8x8 expected',
      requestId: 'req-abc',
    }),
};
