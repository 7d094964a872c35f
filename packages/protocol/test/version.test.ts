import { pack } from 'msgpackr';
import {
  DecodeError,
  PROTOCOL_VERSION,
  ValidationError,
  VersionMismatchError,
  decode,
  encode,
  peekVersion,
  type MessageInput,
} from '@semaigc/protocol';
import { SAMPLES } from './fixtures';

test('protocol version is a positive integer', () => {
  expect(Number.isInteger(PROTOCOL_VERSION) && PROTOCOL_VERSION > 0).toBe(true);
});

test('encode writes v as the first key, so the version is readable without parsing', () => {
  for (const make of Object.values(SAMPLES)) expect(peekVersion(encode(make()))).toBe(PROTOCOL_VERSION);
});

test.each([2, 200, 40000])('a peer speaking v%i gets a clear VersionMismatchError', (v) => {
  const bytes = encode({ ...SAMPLES.hello(), v } as unknown as MessageInput, { validate: false });
  let err: unknown;
  try {
    decode(bytes);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(VersionMismatchError);
  expect(err).toBeInstanceOf(DecodeError);
  const e = err as VersionMismatchError;
  expect(e.message).toContain(`peer speaks protocol v${v}, this node v${PROTOCOL_VERSION}`);
  expect(e).toMatchObject({ code: 'VERSION_MISMATCH', peerVersion: v, localVersion: PROTOCOL_VERSION });
});

test('the version is checked before the rest: a v2 message of an unknown layout is still a version error', () => {
  // A future peer whose message would fail every v1 schema.
  const bytes = pack({ v: 2, kind: 'frame', payload: [1, 2, 3] });
  expect(() => decode(bytes)).toThrow(VersionMismatchError);
});

test('v not first (another msgpack writer) is still checked after unpacking, with the ids as context', () => {
  const { v: _v, ...rest } = SAMPLES.heartbeat();
  const bytes = pack({ ...rest, v: 7 });
  expect(peekVersion(bytes)).toBeUndefined();
  expect(() => decode(bytes)).toThrow('[node:edge-1] heartbeat peer speaks protocol v7, this node v1');
});

test('a map without v is not a protocol message; a non-numeric v is a version error that says what it was', () => {
  const { v: _v, ...rest } = SAMPLES.bye();
  expect(() => decode(pack(rest))).toThrow(DecodeError);
  expect(() => decode(pack(rest))).toThrow('[node:phone-7] bye not a protocol message: no v field');
  expect(() => decode(pack({ v: 'one', ...rest }))).toThrow(VersionMismatchError);
  expect(() => decode(pack({ v: 'one', ...rest }))).toThrow(
    /peer speaks protocol an unknown version \("one"\)/,
  );
});

test('encoding a message with another version is refused at the sender', () => {
  expect(() => encode({ ...SAMPLES.bye(), v: 2 } as unknown as MessageInput)).toThrow(ValidationError);
});
