/**
 * The capacity and quality profile an edge announces in its hello (several-edge trials):
 * optional, round-trip through the codec, and refused with the field named when wrong.
 */
import { decode, encode, type HelloMessage, makeMessage, ValidationError } from '@semaigc/protocol';
import { SAMPLES } from './fixtures';

const sample = (): HelloMessage => SAMPLES.hello() as HelloMessage;

function helloWith(extra: Record<string, unknown>): unknown {
  const h = sample();
  return { ...h, capabilities: { ...h.capabilities, ...extra } };
}

test('capacity, quality profile and guidance scale round-trip; without them a hello is as before', () => {
  const q = { ax: 2, ay: 0.1, bx: 16, by: 0.9 };
  const back = decode(encode(helloWith({ capacitySteps: 40, qualityProfile: q, guidanceScale: 3 }) as never));
  expect(back.type === 'hello' && back.capabilities).toMatchObject({
    capacitySteps: 40,
    qualityProfile: q,
    guidanceScale: 3,
  });
  const unknown = decode(encode(helloWith({ qualityProfile: null }) as never));
  expect(unknown.type === 'hello' && unknown.capabilities.qualityProfile).toBeNull();
  const plain = decode(encode(SAMPLES.hello()));
  expect(plain.type === 'hello' && 'capacitySteps' in plain.capabilities).toBe(false);
});

test.each([
  ['capacity 0', { capacitySteps: 0 }, 'capabilities.capacitySteps', />= 1/],
  ['fractional capacity', { capacitySteps: 2.5 }, 'capabilities.capacitySteps', /integer/],
  [
    'B_x not above A_x',
    { qualityProfile: { ax: 10, ay: 0, bx: 10, by: 1 } },
    'capabilities.qualityProfile.bx',
    /> ax/,
  ],
  [
    'B_y below A_y',
    { qualityProfile: { ax: 0, ay: 0.5, bx: 10, by: 0.2 } },
    'capabilities.qualityProfile.by',
    />= ay/,
  ],
  [
    'A_y above 1',
    { qualityProfile: { ax: 0, ay: 1.5, bx: 10, by: 1 } },
    'capabilities.qualityProfile.ay',
    /\[0, 1\]/,
  ],
  ['guidance below 0', { guidanceScale: -1 }, 'capabilities.guidanceScale', />= 0/],
])('%s is refused naming the field', (_what, extra, path, message) => {
  let err: unknown;
  try {
    encode(helloWith(extra) as never);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ValidationError);
  expect((err as ValidationError).path).toBe(path);
  expect((err as Error).message).toMatch(message);
});

test('makeMessage builds an edge hello with a capacity', () => {
  const h = sample();
  const m = makeMessage('hello', { ...h, capabilities: { ...h.capabilities, capacitySteps: 12 } });
  expect(m.capabilities.capacitySteps).toBe(12);
});
