import {
  DecodeError,
  ERROR_CODES,
  ERROR_CODE_NAMES,
  ErrorCode,
  ProtocolError,
  ValidationError,
  VersionMismatchError,
  decode,
  describeError,
  encode,
  errorMessage,
  isErrorCode,
  parseChannelConfig,
  toErrorMessage,
} from '@semaigc/protocol';

test('the registry names every code the nodes rely on, each with a description', () => {
  for (const c of [
    'BAD_MESSAGE',
    'VERSION_MISMATCH',
    'SHAPE_MISMATCH',
    'NON_FINITE',
    'TOO_LARGE',
    'TIMEOUT',
    'NODE_LOST',
    'NO_EDGE',
    'INTERNAL',
    'UNKNOWN_REQUEST',
  ]) {
    expect(isErrorCode(c)).toBe(true);
  }
  for (const c of ERROR_CODE_NAMES) {
    expect(ErrorCode[c]).toBe(c);
    expect(ERROR_CODES[c].description.length).toBeGreaterThan(10);
  }
  expect(isErrorCode('toString')).toBe(false);
});

test('error classes: name set, cause kept, default codes', () => {
  const cause = new Error('inner');
  const v = new ValidationError('a.b', 'bad', { cause, context: '[request:r1] latent' });
  expect(v).toBeInstanceOf(ProtocolError);
  expect(v.name).toBe('ValidationError');
  expect(v.message).toBe('[request:r1] latent a.b: bad');
  expect(v.cause).toBe(cause);
  expect(v.code).toBe('BAD_MESSAGE');
  const d = new DecodeError('x', { code: 'TOO_LARGE' });
  expect(d.name).toBe('DecodeError');
  expect(d.code).toBe('TOO_LARGE');
  const m = new VersionMismatchError(3, 1);
  expect(m.name).toBe('VersionMismatchError');
  expect(m.message).toBe('peer speaks protocol v3, this node v1');
});

test("a decode failure becomes the wire error a node answers with, keeping the failure's code", () => {
  let caught: unknown;
  try {
    decode(new Uint8Array([0x81, 0xa1, 0x76, 0x01, 0xc1])); // {v: 1, then a stray byte}
  } catch (e) {
    caught = e;
  }
  const wire = toErrorMessage(caught, { requestId: 'req-1', nodeId: 'edge 1' });
  expect(wire).toMatchObject({ v: 1, type: 'error', code: 'BAD_MESSAGE', requestId: 'req-1' });
  expect(wire.reason).toContain('not valid msgpack');
  expect(wire).not.toHaveProperty('nodeId'); // 'edge 1' is not a valid id: dropped, not sent
  expect(decode(encode(wire))).toEqual(wire);
});

test('other errors become INTERNAL; reasons are cut to the wire limit', () => {
  expect(toErrorMessage(new RangeError('boom'))).toMatchObject({
    code: 'INTERNAL',
    reason: 'RangeError: boom',
  });
  expect(toErrorMessage('plain string')).toMatchObject({ code: 'INTERNAL', reason: 'plain string' });
  expect(errorMessage('TIMEOUT', 'x'.repeat(5000)).reason).toHaveLength(2000);
});

test.each([
  ['an Error', new RangeError('boom'), 'RangeError: boom'],
  [
    'a subclass with its own name',
    new ValidationError('a.b', 'must be > 0'),
    'ValidationError: a.b: must be > 0',
  ],
  ['a string', 'plain string', 'plain string'],
  ['a number', 42, '42'],
  ['null', null, 'null'],
  ['an object without toString', Object.create(null) as object, '[object Object]'],
])('describeError: %s', (_what, err, want) => {
  expect(describeError(err)).toBe(want);
});

test('the existing channel-config helpers keep working (other packages import them)', () => {
  expect(parseChannelConfig({ mode: 'analog', snrDb: 5 }).link.bandwidthHz).toBe(20e6);
  expect(() => parseChannelConfig({ mode: 'digital', snrDb: 5 })).toThrow(
    /digital: is required when mode is digital in channel config/,
  );
});
