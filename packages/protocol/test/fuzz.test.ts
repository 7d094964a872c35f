/**
 * Fuzz: ≥ 100,000 random and mutated byte strings into `decode`. The decoder may accept or
 * refuse each, but it may only ever throw the package's own errors (ProtocolError
 * subclasses), never hang, and anything it accepts must be a valid message (re-encodable).
 * Seeded, so a failure reproduces: the failing case's seed and index are reported.
 */
import { MESSAGE_TYPES, ProtocolError, decode, encode } from '@semaigc/protocol';
import { SAMPLES, imageMessage, latentMessage, latentTensor } from './fixtures';

const SEED = 0x5eed_a1c0;
const CASES = 100_000;
/** Small limit: mutated lengths cannot make msgpackr read or allocate beyond it. */
const MAX_BYTES = 8192;
const CHUNK = 2_000;

/** mulberry32: a tiny seeded PRNG, enough for choosing mutations. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** msgpack headers that declare huge lengths (bin32, str32, array32, map32, ext32). */
const HOSTILE = [
  [0xc6, 0xff, 0xff, 0xff, 0xff],
  [0xdb, 0x7f, 0xff, 0xff, 0xff],
  [0xdd, 0xff, 0xff, 0xff, 0xff],
  [0xdf, 0xff, 0xff, 0xff, 0xff],
  [0xc9, 0xff, 0xff, 0xff, 0xff, 0x01],
  [0xdc, 0xff, 0xff],
  [0xde, 0xff, 0xff],
  [0xc1],
  [0xd4, 0xff, 0x00],
  [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0], // NaN float64
];

function corpus(): Uint8Array[] {
  const seeds = MESSAGE_TYPES.map((t) => encode(SAMPLES[t]()));
  seeds.push(encode(latentMessage(latentTensor([2, 4, 4]))));
  seeds.push(
    encode(latentMessage({ dtype: 'float16', shape: [16], data: new Uint16Array(16).fill(0x3c00) })),
  );
  seeds.push(encode(imageMessage(2, 2)));
  return seeds;
}

function mutate(rand: () => number, seeds: Uint8Array[], i: number): Uint8Array {
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = (): Uint8Array => seeds[int(seeds.length)]!;
  switch (i % 6) {
    case 0: {
      // Random bytes, short and long.
      const out = new Uint8Array(int(rand() < 0.8 ? 64 : 2048));
      for (let k = 0; k < out.length; k++) out[k] = int(256);
      return out;
    }
    case 1: {
      // 1–8 bit flips.
      const out = Uint8Array.from(pick());
      for (let k = 1 + int(8); k > 0; k--) out[int(out.length)]! ^= 1 << int(8);
      return out;
    }
    case 2:
      // Truncation.
      return pick().slice(0, int(pick().length));
    case 3: {
      // Splice: a piece of one encoding into another at a random place.
      const a = pick();
      const b = pick();
      const at = int(a.length);
      const from = int(b.length);
      const piece = b.subarray(from, from + int(64));
      const cut = at + int(16);
      const out = new Uint8Array(at + piece.length + Math.max(0, a.length - cut));
      out.set(a.subarray(0, at));
      out.set(piece, at);
      out.set(a.subarray(cut), at + piece.length);
      return out;
    }
    case 4: {
      // A hostile length header written over a valid message.
      const out = Uint8Array.from(pick());
      const h = HOSTILE[int(HOSTILE.length)]!;
      if (out.length >= h.length) out.set(h, int(out.length - h.length + 1));
      return out;
    }
    default: {
      // Byte overwrites with boundary values.
      const out = Uint8Array.from(pick());
      for (let k = 1 + int(4); k > 0; k--)
        out[int(out.length)] = [0x00, 0x7f, 0x80, 0xff, 0xc0, 0xd9][int(6)]!;
      return out;
    }
  }
}

test(`${CASES} random and mutated inputs: only ProtocolErrors, and what decodes re-encodes`, async () => {
  const rand = mulberry32(SEED);
  const seeds = corpus();
  const foreign: string[] = [];
  const byClass = new Map<string, number>();
  let accepted = 0;
  for (let start = 0; start < CASES; start += CHUNK) {
    for (let i = start; i < start + CHUNK; i++) {
      const bytes = mutate(rand, seeds, i);
      try {
        const msg = decode(bytes, { maxBytes: MAX_BYTES });
        accepted++;
        encode(msg);
      } catch (e) {
        if (e instanceof ProtocolError && e.message.length > 0) {
          byClass.set(e.name, (byClass.get(e.name) ?? 0) + 1);
        } else if (foreign.length < 5) {
          const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          foreign.push(`case ${i} (seed ${SEED}): ${what}`);
        }
      }
    }
    // Let jest's timeout fire if something got slow instead of blocking it.
    await new Promise((r) => setImmediate(r));
  }
  expect(foreign).toEqual([]);
  // The fuzz must reach every layer: bytes refused, versions refused, fields refused, and
  // some mutations (inside strings and numbers) that still make valid messages.
  expect(byClass.get('DecodeError')).toBeGreaterThan(1000);
  expect(byClass.get('ValidationError')).toBeGreaterThan(1000);
  expect(byClass.get('VersionMismatchError')).toBeGreaterThan(0);
  expect(accepted).toBeGreaterThan(100);
}, 120_000);
