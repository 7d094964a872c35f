import {
  MESSAGE_TYPES,
  type MessageInput,
  type MessageType,
  decode,
  decodeAs,
  encode,
  isMessageValid,
  parseRecord,
  tryDecode,
  validateMessage,
} from '@semaigc/protocol';
import { SAMPLES } from './fixtures';

const table = MESSAGE_TYPES.map((t) => [t] as [MessageType]);

test('the sample table covers every message type', () => {
  expect(Object.keys(SAMPLES).sort()).toEqual([...MESSAGE_TYPES].sort());
});

describe.each(table)('%s', (type) => {
  const msg: MessageInput = SAMPLES[type]();

  test('decode(encode(m)) equals the validated message', () => {
    const bytes = encode(msg);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const back = decode(bytes);
    expect(back.type).toBe(type);
    expect(back).toEqual(validateMessage(msg));
  });

  test('round trips from an ArrayBuffer (what a browser socket.io client receives)', () => {
    const bytes = encode(msg);
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    expect(decode(ab)).toEqual(decode(bytes));
  });

  test('encoding is stable: encode(decode(encode(m))) gives the same bytes', () => {
    const once = encode(msg);
    expect(Buffer.from(encode(decode(once)))).toEqual(Buffer.from(once));
  });

  test('decodeAs accepts its own type and refuses another', () => {
    const bytes = encode(msg);
    expect(decodeAs(type, bytes).type).toBe(type);
    const other = type === 'hello' ? 'bye' : 'hello';
    expect(() => decodeAs(other, bytes)).toThrow(`expected a ${other} message, got ${type}`);
  });

  test('isMessageValid / tryDecode agree with decode', () => {
    const bytes = encode(msg);
    expect(isMessageValid(bytes)).toBe(true);
    expect(tryDecode(bytes)).toMatchObject({ ok: true, message: { type } });
    expect(isMessageValid(bytes.subarray(0, bytes.length - 1))).toBe(false);
  });
});

test('the latent tensor arrives bit-exact as a Float32Array', () => {
  const msg = SAMPLES.latent();
  const back = decode(encode(msg));
  if (back.type !== 'latent' || msg.type !== 'latent') throw new Error('type');
  expect(back.tensor.data).toBeInstanceOf(Float32Array);
  expect(Array.from(back.tensor.data)).toEqual(Array.from(msg.tensor.data));
  expect(back.tensor.shape).toEqual([4, 8, 8]);
});

test('defaults are filled on the way: a request without optional fields decodes with them', () => {
  const full = SAMPLES.request();
  if (full.type !== 'request') throw new Error('type');
  const { checkpointId: _c, receiverVariant: _r, edgeId: _e, deliver: _d, attempt: _a, ...minimal } = full;
  const back = decode(encode(minimal)); // the input type allows leaving defaults out
  expect(back).toMatchObject({
    checkpointId: null,
    receiverVariant: null,
    edgeId: null,
    deliver: 'latent',
    attempt: 0,
  });
});

test('unknown fields are dropped, not carried (forward compatibility within a version)', () => {
  const msg = { ...SAMPLES.heartbeat(), extra: 'from a newer peer' } as unknown as MessageInput;
  expect(decode(encode(msg))).not.toHaveProperty('extra');
});

test('a payload is binary msgpack, not JSON: the tensor bytes appear verbatim', () => {
  const msg = SAMPLES.latent();
  if (msg.type !== 'latent') throw new Error('type');
  const bytes = Buffer.from(encode(msg));
  const raw = Buffer.from(msg.tensor.data.buffer, msg.tensor.data.byteOffset, msg.tensor.data.byteLength);
  expect(bytes.indexOf(raw)).toBeGreaterThan(0);
  expect(bytes.length).toBeLessThan(raw.length + 2048);
});

test('a record survives JSON (one line of records.jsonl) and parseRecord reads it back', () => {
  const line = JSON.stringify(SAMPLES.record());
  expect(parseRecord(JSON.parse(line))).toEqual(validateMessage(SAMPLES.record()));
  expect(() => parseRecord({ ...(JSON.parse(line) as object), satisfaction: 'high' })).toThrow(
    /^satisfaction: .* in record$/,
  );
});
