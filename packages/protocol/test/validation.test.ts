import { type MessageInput, type MessageType, ValidationError, decode, encode } from '@semaigc/protocol';
import { SAMPLES } from './fixtures';

/** Sets (or, for undefined, deletes) dotted paths in a clone of the sample. */
function mutate(type: MessageType, changes: Record<string, unknown>): MessageInput {
  // structuredClone keeps typed arrays (from another realm, which the codec must accept).
  const m = structuredClone(SAMPLES[type]()) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let o = m;
    for (const k of keys) o = o[k] as Record<string, unknown>;
    if (value === undefined) delete o[last];
    else o[last] = value;
  }
  return m as unknown as MessageInput;
}

type Case = [string, MessageType, Record<string, unknown>, string, RegExp];

// [what, type, changes, expected path, expected message]
const cases: Case[] = [
  ['node id with a dot', 'hello', { nodeId: 'edge.1' }, 'nodeId', /NATS subject token/],
  ['unknown role', 'hello', { role: 'router' }, 'role', /edge, receiver, coordinator/],
  ['compute share 0', 'hello', { 'capabilities.computeShare': 0 }, 'capabilities.computeShare', /\(0, 1\]/],
  [
    'compute share > 1',
    'hello',
    { 'capabilities.computeShare': 1.5 },
    'capabilities.computeShare',
    /\(0, 1\]/,
  ],
  [
    'unknown backend',
    'hello',
    { 'capabilities.profile.backend': 'cuda' },
    'capabilities.profile.backend',
    /cpu, wasm, webgpu/,
  ],
  ['negative step time', 'hello', { 'capabilities.stepMs': -1 }, 'capabilities.stepMs', /ms > 0/],
  ['timeout <= interval', 'welcome', { nodeTimeoutMs: 1000 }, 'nodeTimeoutMs', /heartbeatIntervalMs/],
  ['fractional seq', 'heartbeat', { seq: 1.5 }, 'seq', /integer/],
  ['a > T̂', 'request', { edgeSteps: 21 }, 'edgeSteps', /<= totalSteps/],
  ['empty prompt', 'request', { prompt: '' }, 'prompt', /empty/],
  ['SNR out of range', 'request', { 'channel.snrDb': 99 }, 'channel.snrDb', /within \[-30, 60\]/],
  [
    'digital without settings',
    'request',
    { 'channel.mode': 'digital' },
    'channel.digital',
    /required when mode is digital/,
  ],
  ['Ľ >= L̂', 'request', { 'latency.minS': 10 }, 'latency.minS', /< maxS/],
  ['image delivery with a < T̂', 'request', { deliver: 'image' }, 'deliver', /edgeSteps = totalSteps/],
  ['reply subject with a wildcard', 'request', { replyTo: 'semaigc.v1.*' }, 'replyTo', /NATS subject/],
  ['NaN deadline', 'request', { deadline: NaN }, 'deadline', /expected number, received NaN/],
  ['bad policy name', 'request', { policy: 'Root Agent' }, 'policy', /policy name/],
  ['stepIndex != a', 'latent', { stepIndex: 3 }, 'stepIndex', /request.edgeSteps \(12\)/],
  [
    'embedded request id differs',
    'latent',
    { 'request.requestId': 'other' },
    'request.requestId',
    /must equal requestId/,
  ],
  [
    'channel meta missing σ²',
    'latent',
    { 'channel.noiseVariance': undefined },
    'channel.noiseVariance',
    /expected number/,
  ],
  ['negative σ²', 'latent', { 'channel.noiseVariance': -0.1 }, 'channel.noiseVariance', />= 0/],
  ['rank 9 tensor', 'latent', { 'tensor.shape': [1, 1, 1, 1, 1, 4, 8, 8, 1] }, 'tensor.shape', /rank <= 8/],
  ['zero dimension', 'latent', { 'tensor.shape': [4, 0, 8] }, 'tensor.shape[1]', />= 1/],
  ['packets of a float16 latent', 'latent.packets', { 'tensor.dtype': 'float16' }, 'tensor.dtype', /float32/],
  ['no packets', 'latent.packets', { 'packets.count': 0 }, 'packets.count', />=1/],
  ['packets stepIndex != a', 'latent.packets', { stepIndex: 3 }, 'stepIndex', /request.edgeSteps \(12\)/],
  ['unknown data-channel mode', 'latent.packets', { 'packets.mode': 'lossy' }, 'packets.mode', /reliable/],
  [
    'unknown delivery transport',
    'trial.assign',
    { delivery: { transport: 'quic', mode: 'reliable' } },
    'delivery.transport',
    /socket, webrtc/,
  ],
  [
    'record delivered by pigeon',
    'record',
    { delivery: { transport: 'pigeon' } },
    'delivery.transport',
    /nats, socket, webrtc/,
  ],
  [
    'negative packets lost',
    'record',
    { delivery: { transport: 'webrtc', packetsLost: -1 } },
    'delivery.packetsLost',
    />= 0/,
  ],
  [
    'image payload for a latent request',
    'image',
    { 'request.deliver': 'latent' },
    'request.deliver',
    /must be 'image'/,
  ],
  ['preview with an empty receiver id', 'preview', { receiverId: '' }, 'receiverId', /NATS subject token/],
  ['failed without a failure', 'record', { failed: true }, 'failure', /exactly when failed/],
  ['satisfaction > 1', 'record', { satisfaction: 1.2 }, 'satisfaction', /<=1/],
  [
    'PSNR Infinity (not JSON-safe)',
    'record',
    { 'quality.psnr': Infinity },
    'quality.psnr',
    /received Infinity/,
  ],
  [
    'unknown failure code',
    'record',
    { failed: true, failure: { code: 'OOPS', reason: 'x' } },
    'failure.code',
    /expected one of/,
  ],
  ['done > total', 'trial.progress', { done: 101 }, 'done', /failed <= done <= total/],
  ['unknown SNR process', 'trial.start', { snr: { kind: 'chaos' } }, 'snr.kind', /Invalid/],
  ['unregistered error code', 'error', { code: 'NOPE' }, 'code', /registered ErrorCode/],
  ['over-long reason', 'error', { reason: 'x'.repeat(2001) }, 'reason', /at most 2000/],
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
  const bad = mutate('request', { edgeSteps: 30 });
  expect(() => encode(bad)).toThrow(/^\[request:req-abc\] request edgeSteps: must be <= totalSteps/);
});

test('an unknown message type is UNKNOWN_TYPE, naming the field', () => {
  const bytes = encode({ ...SAMPLES.bye(), type: 'goodbye' } as unknown as MessageInput, { validate: false });
  expect(() => decode(bytes)).toThrow(/unknown message type "goodbye"/);
  try {
    decode(bytes);
  } catch (e) {
    expect(e).toMatchObject({ path: 'type', code: 'UNKNOWN_TYPE' });
  }
  expect.assertions(2);
});

test('a non-map payload is a DecodeError that says what it got', () => {
  expect(() => decode(new Uint8Array([0x93, 1, 2, 3]))).toThrow(/expected a map, got an array/);
  expect(() => decode(new Uint8Array([0x2a]))).toThrow(/expected a map, got number/);
});

test('bad API arguments are TypeErrors, not protocol errors', () => {
  expect(() => decode('hello' as unknown as Uint8Array)).toThrow(TypeError);
  expect(() => decode(new Uint8Array(4), { maxBytes: 0 })).toThrow(TypeError);
  expect(() => encode(null as unknown as MessageInput)).toThrow(TypeError);
});
