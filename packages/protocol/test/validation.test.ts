import { type Message, type MessageType, ValidationError, decode, encode } from '@semaigc/protocol';
import { SAMPLES } from './fixtures';

/** Deep-ish clone that keeps typed arrays (structuredClone does). */
function mutate(type: MessageType, change: (m: Record<string, any>) => void): Message {
  const m = structuredClone(SAMPLES[type]()) as Record<string, any>;
  change(m);
  return m as Message;
}

type Case = [string, MessageType, (m: Record<string, any>) => void, string, RegExp];

// [what, type, mutation, expected path, expected message]
const cases: Case[] = [
  ['node id with a dot', 'hello', (m) => (m.nodeId = 'edge.1'), 'nodeId', /NATS subject token/],
  ['unknown role', 'hello', (m) => (m.role = 'router'), 'role', /edge, receiver, coordinator/],
  [
    'compute share 0',
    'hello',
    (m) => (m.capabilities.computeShare = 0),
    'capabilities.computeShare',
    /\(0, 1\]/,
  ],
  [
    'compute share > 1',
    'hello',
    (m) => (m.capabilities.computeShare = 1.5),
    'capabilities.computeShare',
    /\(0, 1\]/,
  ],
  [
    'unknown backend',
    'hello',
    (m) => (m.capabilities.profile.backend = 'cuda'),
    'capabilities.profile.backend',
    /cpu, wasm, webgpu/,
  ],
  ['negative step time', 'hello', (m) => (m.capabilities.stepMs = -1), 'capabilities.stepMs', /ms > 0/],
  ['timeout <= interval', 'welcome', (m) => (m.nodeTimeoutMs = 1000), 'nodeTimeoutMs', /heartbeatIntervalMs/],
  ['fractional seq', 'heartbeat', (m) => (m.seq = 1.5), 'seq', /integer/],
  ['a > T̂', 'request', (m) => (m.edgeSteps = 21), 'edgeSteps', /<= totalSteps/],
  ['empty prompt', 'request', (m) => (m.prompt = ''), 'prompt', /empty/],
  ['SNR out of range', 'request', (m) => (m.channel.snrDb = 99), 'channel.snrDb', /within \[-30, 60\]/],
  [
    'digital without settings',
    'request',
    (m) => (m.channel.mode = 'digital'),
    'channel.digital',
    /required when mode is digital/,
  ],
  ['Ľ >= L̂', 'request', (m) => (m.latency.minS = 10), 'latency.minS', /< maxS/],
  ['image delivery with a < T̂', 'request', (m) => (m.deliver = 'image'), 'deliver', /edgeSteps = totalSteps/],
  [
    'reply subject with a wildcard',
    'request',
    (m) => (m.replyTo = 'semaigc.v1.*'),
    'replyTo',
    /NATS subject/,
  ],
  ['NaN deadline', 'request', (m) => (m.deadline = NaN), 'deadline', /expected number, received NaN/],
  ['bad policy name', 'request', (m) => (m.policy = 'Root Agent'), 'policy', /policy name/],
  ['stepIndex != a', 'latent', (m) => (m.stepIndex = 3), 'stepIndex', /request.edgeSteps \(12\)/],
  [
    'embedded request id differs',
    'latent',
    (m) => (m.request.requestId = 'other'),
    'request.requestId',
    /must equal requestId/,
  ],
  [
    'channel meta missing σ²',
    'latent',
    (m) => delete m.channel.noiseVariance,
    'channel.noiseVariance',
    /expected number/,
  ],
  ['negative σ²', 'latent', (m) => (m.channel.noiseVariance = -0.1), 'channel.noiseVariance', />= 0/],
  [
    'rank 9 tensor',
    'latent',
    (m) => (m.tensor.shape = [1, 1, 1, 1, 1, 4, 8, 8, 1]),
    'tensor.shape',
    /rank <= 8/,
  ],
  ['zero dimension', 'latent', (m) => (m.tensor.shape = [4, 0, 8]), 'tensor.shape[1]', />= 1/],
  [
    'image payload for a latent request',
    'image',
    (m) => (m.request.deliver = 'latent'),
    'request.deliver',
    /must be 'image'/,
  ],
  ['failed without a failure', 'record', (m) => (m.failed = true), 'failure', /exactly when failed/],
  ['satisfaction > 1', 'record', (m) => (m.satisfaction = 1.2), 'satisfaction', /<=1|1/],
  [
    'PSNR Infinity (not JSON-safe)',
    'record',
    (m) => (m.quality.psnr = Infinity),
    'quality.psnr',
    /received Infinity/,
  ],
  [
    'unknown failure code',
    'record',
    (m) => ((m.failed = true), (m.failure = { code: 'OOPS', reason: 'x' })),
    'failure.code',
    /expected one of/,
  ],
  ['done > total', 'trial.progress', (m) => (m.done = 101), 'done', /failed <= done <= total/],
  ['unknown SNR process', 'trial.start', (m) => (m.snr = { kind: 'chaos' }), 'snr.kind', /Invalid/],
  ['unregistered error code', 'error', (m) => (m.code = 'NOPE'), 'code', /registered ErrorCode/],
  ['over-long reason', 'error', (m) => (m.reason = 'x'.repeat(2001)), 'reason', /at most 2000/],
];

describe.each(cases)('%s (%s)', (_what, type, change, path, message) => {
  const bad = mutate(type, change);

  test('encode refuses it, naming the field', () => {
    let err: unknown;
    try {
      encode(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    const v = err as ValidationError;
    expect(v.path).toBe(path);
    expect(v.message).toMatch(message);
    expect(v.message).toContain(`${path}: `);
  });

  test('decode refuses it the same way when a peer sends it unvalidated', () => {
    const bytes = encode(bad, { validate: false });
    let err: unknown;
    try {
      decode(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).path).toBe(path);
    expect((err as ValidationError).code).toBe('BAD_MESSAGE');
  });
});

test('errors carry the request as context: "[request:req-abc] request edgeSteps: …"', () => {
  const bad = mutate('request', (m) => (m.edgeSteps = 30));
  expect(() => encode(bad)).toThrow(/^\[request:req-abc\] request edgeSteps: must be <= totalSteps/);
});

test('an unknown message type is UNKNOWN_TYPE, naming the field', () => {
  const bytes = encode({ ...SAMPLES.bye(), type: 'goodbye' } as unknown as Message, { validate: false });
  expect(() => decode(bytes)).toThrow(expect.objectContaining({ path: 'type', code: 'UNKNOWN_TYPE' }));
  expect(() => decode(bytes)).toThrow(/unknown message type "goodbye"/);
});

test('a non-map payload is a DecodeError that says what it got', () => {
  expect(() => decode(new Uint8Array([0x93, 1, 2, 3]))).toThrow(/expected a map, got an array/);
  expect(() => decode(new Uint8Array([0x2a]))).toThrow(/expected a map, got number/);
});

test('bad API arguments are TypeErrors, not protocol errors', () => {
  expect(() => decode('hello' as unknown as Uint8Array)).toThrow(TypeError);
  expect(() => decode(new Uint8Array(4), { maxBytes: 0 })).toThrow(TypeError);
  expect(() => encode(null as unknown as Message)).toThrow(TypeError);
});
