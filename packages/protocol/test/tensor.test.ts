import { pack } from 'msgpackr';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DecodeError,
  type LatentMessage,
  type Message,
  type Tensor,
  ValidationError,
  byteSwap,
  decode,
  encode,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  fromFloat16Bits,
  toFloat16Bits,
} from '@semaigc/protocol';
import { latentMessage, latentTensor } from './fixtures';

/** Packs a latent with msgpackr directly, as a buggy or hostile peer would: any dtype, any bytes. */
function rawLatent(tensor: { dtype: string; shape: number[]; data: ArrayBufferView }): Uint8Array {
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return pack({ ...latentMessage(), tensor: { dtype: tensor.dtype, shape: tensor.shape, data: bytes } });
}

function caught(f: () => unknown): ValidationError | DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError || e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

function asLatent(m: Message): LatentMessage {
  if (m.type !== 'latent') throw new Error(`expected latent, got ${m.type}`);
  return m;
}

describe('element count vs shape', () => {
  test('one element short: says what and where', () => {
    const bytes = rawLatent({ dtype: 'float32', shape: [4, 8, 8], data: new Float32Array(255) });
    const e = caught(() => decode(bytes));
    expect(e.message).toBe('[request:req-abc] latent tensor: shape 4x8x8 needs 256 elements, got 255');
    expect(e).toMatchObject({ code: 'SHAPE_MISMATCH', path: 'tensor' });
  });

  test('encode refuses the same tensor', () => {
    const t = { dtype: 'float32', shape: [4, 8, 8], data: new Float32Array(257) } as Tensor;
    expect(() => encode(latentMessage(t))).toThrow('shape 4x8x8 needs 256 elements, got 257');
  });

  test('a byte length that is not a whole number of elements', () => {
    const f32 = rawLatent({ dtype: 'float32', shape: [256], data: new Uint8Array(1023) });
    const e = caught(() => decode(f32));
    expect(e.message).toContain('data has 1023 bytes, not a multiple of 4 (float32)');
    expect(e.code).toBe('SHAPE_MISMATCH');
  });

  test('a shape that claims far more than was sent allocates nothing and fails on the count', () => {
    const bytes = rawLatent({ dtype: 'float32', shape: [65536, 65536, 4], data: new Float32Array(16) });
    expect(() => decode(bytes)).toThrow('needs 17179869184 elements, got 16');
  });
});

describe('dtype', () => {
  test('unknown dtype is BAD_DTYPE naming the known ones', () => {
    const bytes = rawLatent({ dtype: 'float64', shape: [4, 8, 8], data: new Uint8Array(256 * 8) });
    const e = caught(() => decode(bytes));
    expect(e.message).toBe(
      '[request:req-abc] latent tensor: unknown dtype "float64" (known: float32, float16, int8, uint8)',
    );
    expect(e.code).toBe('BAD_DTYPE');
  });

  test('data of the wrong array type is refused at encode', () => {
    const t = { dtype: 'float32', shape: [4, 8, 8], data: new Uint8Array(1024) } as unknown as Tensor;
    expect(() => encode(latentMessage(t))).toThrow(
      'dtype float32 needs data as a Float32Array, got Uint8Array',
    );
  });

  test.each([
    ['float16', () => toFloat16Bits([0, 1, -2, 0.5, 65504, -0.1])],
    ['int8', () => Int8Array.from([-128, -1, 0, 1, 127, 5])],
    ['uint8', () => Uint8Array.from([0, 1, 2, 128, 254, 255])],
  ])('%s round trips bit-exact with its own array type', (dtype, make) => {
    const data = make();
    const back = asLatent(decode(encode(latentMessage({ dtype, shape: [2, 3], data } as Tensor)))).tensor;
    expect(back.dtype).toBe(dtype);
    expect(back.data.constructor.name).toBe(data.constructor.name);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });
});

describe('non-finite values in a float latent', () => {
  test.each([
    ['NaN', NaN, 17],
    ['Infinity', Infinity, 0],
    ['-Infinity', -Infinity, 255],
  ])('%s is NON_FINITE with its index', (name, value, index) => {
    const t = latentTensor();
    t.data[index] = value;
    const e = caught(() => decode(rawLatent(t)));
    expect(e.message).toBe(`[request:req-abc] latent tensor: element ${index} of 256 is ${name}`);
    expect(e.code).toBe('NON_FINITE');
    expect(() => encode(latentMessage(t))).toThrow(`element ${index} of 256 is ${name}`);
  });

  test('+Inf and -Inf together (they would cancel in a careless sum) are caught', () => {
    const t = latentTensor();
    t.data[3] = Infinity;
    t.data[4] = -Infinity;
    expect(() => decode(rawLatent(t))).toThrow('element 3 of 256 is Infinity');
  });

  test('huge but finite values are accepted (float32 max)', () => {
    const t = latentTensor();
    t.data.fill(3.4028234663852886e38);
    expect(asLatent(decode(encode(latentMessage(t)))).tensor.data[0]).toBe(3.4028234663852886e38);
  });

  test.each([
    [0x7c00, 'Infinity'],
    [0xfc00, '-Infinity'],
    [0x7e00, 'NaN'],
  ])('float16 bits %d (%s) are non-finite', (bits, name) => {
    const data = toFloat16Bits(new Array(64).fill(0.5));
    data[9] = bits;
    const e = caught(() => decode(rawLatent({ dtype: 'float16', shape: [64], data })));
    expect(e.message).toContain(`element 9 of 64 is ${name}`);
  });

  test('an int8 tensor has no non-finite check (every byte is a valid value)', () => {
    const data = Int8Array.from({ length: 64 }, (_, i) => i - 32);
    expect(() => decode(rawLatent({ dtype: 'int8', shape: [64], data }))).not.toThrow();
  });
});

describe('size limit', () => {
  const big = latentMessage(latentTensor([4, 64, 64]));

  test('a message over maxBytes is refused before it is parsed', () => {
    const bytes = encode(big);
    const e = caught(() => decode(bytes, { maxBytes: 65536 }));
    expect(e).toBeInstanceOf(DecodeError);
    expect(e.code).toBe('TOO_LARGE');
    expect(e.message).toBe(`message is ${bytes.byteLength} bytes, over the limit of 65536`);
  });

  test('the same limit applies at encode', () => {
    expect(() => encode(big, { maxBytes: 65536 })).toThrow(
      /\[request:req-abc\] latent encoded message is \d+ bytes, over the limit of 65536/,
    );
  });

  test('the default limit takes a 4x64x64 latent and refuses 9 MiB of garbage without parsing it', () => {
    expect(() => decode(encode(big))).not.toThrow();
    const garbage = new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1).fill(0xdd);
    expect(() => decode(garbage)).toThrow(/over the limit/);
  });
});

describe('alignment and copies', () => {
  test('an unaligned input buffer still gives a correct (copied, aligned) Float32Array', () => {
    const bytes = encode(latentMessage());
    for (const offset of [1, 2, 3, 5]) {
      const holder = new Uint8Array(bytes.byteLength + offset);
      holder.set(bytes, offset);
      const view = holder.subarray(offset);
      const t = asLatent(decode(view, { copy: false })).tensor;
      expect(t.data.byteOffset % 4).toBe(0);
      expect(Array.from(t.data)).toEqual(Array.from(latentTensor().data));
    }
  });

  test('copy: false views aligned input bytes (zero-copy); the default copies', () => {
    const bytes = encode(latentMessage());
    // Find an offset at which the tensor bytes land 4-aligned.
    for (let offset = 0; offset < 4; offset++) {
      const holder = new Uint8Array(bytes.byteLength + offset);
      holder.set(bytes, offset);
      const t = asLatent(decode(holder.subarray(offset), { copy: false })).tensor;
      if (t.data.buffer === holder.buffer) {
        const copied = asLatent(decode(holder.subarray(offset))).tensor;
        expect(copied.data.buffer).not.toBe(holder.buffer);
        expect(copied.data.byteOffset).toBe(0);
        return;
      }
    }
    throw new Error('no offset gave a zero-copy view');
  });
});

describe('float16 helpers', () => {
  // [value, bits, whether bits → value gives the value back exactly]
  test.each([
    [1, 0x3c00, true],
    [-2, 0xc000, true],
    [0.5, 0x3800, true],
    [65504, 0x7bff, true], // largest half
    [65520, 0x7c00, false], // rounds up to Inf
    [2 ** -24, 0x0001, true], // smallest subnormal
    [2 ** -26, 0x0000, false], // below half of it → 0
    [0.1, 0x2e66, false], // nearest half is 0.0999755859375
    [-0, 0x8000, true],
    [Infinity, 0x7c00, true],
  ])('%p → bits %d (exact back: %p)', (value, bits, exact) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
    if (exact) expect(float16BitsToFloat32(bits)).toBe(value);
  });

  test('NaN stays NaN and the array helpers invert each other on representable values', () => {
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
    const v = [0, 1, -1, 0.25, 1024, -65504, 2 ** -14];
    expect(Array.from(fromFloat16Bits(toFloat16Bits(v)))).toEqual(v);
  });
});

test('byteSwap reverses each element (what a big-endian host does on the way)', () => {
  expect(Array.from(byteSwap(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 4))).toEqual([
    4, 3, 2, 1, 8, 7, 6, 5,
  ]);
  expect(Array.from(byteSwap(Uint8Array.from([1, 2, 3, 4]), 2))).toEqual([2, 1, 4, 3]);
});
