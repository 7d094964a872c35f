import {
  berAfterDecoding,
  berTheory,
  decode,
  encode,
  esN0FromEbN0,
  rngFor,
  transmitBits,
  type Code,
  type Modulation,
} from '../src';
import { binomialInterval, countDiff, randomBits } from './helpers';

/** Measure bit errors in chunks (bounded memory) until `total` bits. */
function measure(total: number, run: (bits: Uint8Array) => Uint8Array, seed: number): number {
  const chunk = 1 << 18;
  let errors = 0;
  for (let done = 0, k = 0; done < total; done += chunk, k++) {
    const bits = randomBits(Math.min(chunk, total - done), seed * 1000 + k);
    errors += countDiff(bits, run(bits));
  }
  return errors;
}

/** Bits for a point: ~2000 expected errors, between 2·10^5 and 2·10^6 bits. */
function bitBudget(p: number): number {
  return Math.min(2_000_000, Math.max(200_000, Math.ceil(2000 / p / 65536) * 65536));
}

/*
 * Testing many points at 99% each would fail somewhere by chance (39 points: 1 − 0.99³⁹ ≈ 32%),
 * so each point must lie in its simultaneous (Bonferroni) interval at family level 99%, and
 * at most 2 of the 39 may leave their own 99% interval (P(≥ 3 | correct) ≈ 0.8%).
 */
describe('uncoded BER on AWGN against the closed form, Eb/N0 = 0 … 12 dB', () => {
  const mods: Modulation[] = ['bpsk', 'qpsk', '16qam'];
  const cases = mods.flatMap((m) => Array.from({ length: 13 }, (_, ebN0Db) => ({ m, ebN0Db })));
  const familyLevel = 1 - 0.01 / cases.length;
  const outside99: string[] = [];

  test.each(cases)('$m at Eb/N0 $ebN0Db dB: inside the binomial interval', ({ m, ebN0Db }) => {
    const esN0Db = esN0FromEbN0(ebN0Db, m);
    const p = berTheory(m, esN0Db);
    const n = bitBudget(p);
    const noise = rngFor(1000 + ebN0Db, `ber-${m}`);
    const errors = measure(n, (bits) => transmitBits(bits, m, esN0Db, noise), ebN0Db);
    const [lo, hi] = binomialInterval(n, p, familyLevel);
    expect(errors).toBeGreaterThanOrEqual(lo);
    expect(errors).toBeLessThanOrEqual(hi);
    const [lo99, hi99] = binomialInterval(n, p, 0.99);
    if (errors < lo99 || errors > hi99)
      outside99.push(`${m}@${ebN0Db}dB: ${errors} not in [${lo99}, ${hi99}]`);
  });

  test('at most 2 of the 39 points outside their own 99% interval', () => {
    expect(outside99.length).toBeLessThanOrEqual(2);
  });

  test('BPSK and Gray QPSK have the same BER per Eb/N0; 16-QAM needs more energy', () => {
    for (let ebN0Db = 0; ebN0Db <= 12; ebN0Db++) {
      const bpsk = berTheory('bpsk', esN0FromEbN0(ebN0Db, 'bpsk'));
      expect(berTheory('qpsk', esN0FromEbN0(ebN0Db, 'qpsk'))).toBeCloseTo(bpsk, 15);
      expect(berTheory('16qam', esN0FromEbN0(ebN0Db, '16qam'))).toBeGreaterThan(bpsk);
    }
    // Textbook anchor: BPSK at Eb/N0 = 9.6 dB has Pb ≈ 1e-5.
    expect(berTheory('bpsk', 9.6)).toBeGreaterThan(0.9e-5);
    expect(berTheory('bpsk', 9.6)).toBeLessThan(1.1e-5);
  });

  test('Es/N0 = Eb/N0 + 10·log10(bits per symbol · code rate)', () => {
    expect(esN0FromEbN0(5, 'bpsk')).toBe(5);
    expect(esN0FromEbN0(5, 'qpsk')).toBeCloseTo(5 + 10 * Math.log10(2), 12);
    expect(esN0FromEbN0(5, '16qam')).toBeCloseTo(5 + 10 * Math.log10(4), 12);
    expect(esN0FromEbN0(5, '16qam', 'hamming74')).toBeCloseTo(5 + 10 * Math.log10((4 * 4) / 7), 12);
    expect(esN0FromEbN0(5, 'qpsk', 'rep3')).toBeCloseTo(5 + 10 * Math.log10(2 / 3), 12);
  });
});

describe('coded BER with QPSK (coded bits err independently: exact theory)', () => {
  const cases: { code: Code; esN0Db: number }[] = [
    { code: 'rep3', esN0Db: 0 },
    { code: 'rep3', esN0Db: 4 },
    { code: 'hamming74', esN0Db: 0 },
    { code: 'hamming74', esN0Db: 4 },
    { code: 'hamming74', esN0Db: 7 },
  ];
  test.each(cases)(
    '$code at Es/N0 $esN0Db dB: inside the binomial interval (99% for the family)',
    ({ code, esN0Db }) => {
      const p = berAfterDecoding(code, berTheory('qpsk', esN0Db));
      const n = bitBudget(p);
      const noise = rngFor(7, `coded-${code}-${esN0Db}`);
      const errors = measure(
        n,
        (bits) => decode(transmitBits(encode(bits, code), 'qpsk', esN0Db, noise), code),
        3,
      );
      const [lo, hi] = binomialInterval(n, p, 1 - 0.01 / cases.length);
      expect(errors).toBeGreaterThanOrEqual(lo);
      expect(errors).toBeLessThanOrEqual(hi);
    },
  );

  test('at a fixed channel SNR, both codes lower the BER (coding gain at the cost of rate)', () => {
    for (const esN0Db of [2, 4, 6, 8]) {
      const raw = berTheory('qpsk', esN0Db);
      expect(berAfterDecoding('rep3', raw)).toBeLessThan(raw);
      expect(berAfterDecoding('hamming74', raw)).toBeLessThan(raw);
    }
  });
});

describe('codes', () => {
  test('Hamming(7,4) corrects every single-bit error of every codeword', () => {
    for (let word = 0; word < 16; word++) {
      const bits = Uint8Array.from([3, 2, 1, 0], (k) => (word >> k) & 1);
      const coded = encode(bits, 'hamming74');
      expect(decode(coded, 'hamming74')).toEqual(bits);
      for (let pos = 0; pos < 7; pos++) {
        const hit = coded.slice();
        hit[pos]! ^= 1;
        expect(decode(hit, 'hamming74')).toEqual(bits);
      }
    }
  });

  test('interleaving spreads a codeword: a burst of 7 errors costs at most one bit per codeword', () => {
    const bits = randomBits(4 * 100, 1);
    const coded = encode(bits, 'hamming74');
    for (let i = 300; i < 307; i++) coded[i]! ^= 1;
    expect(decode(coded, 'hamming74')).toEqual(bits);
  });

  test('rep3 majority decodes any single error among the three copies', () => {
    const bits = randomBits(64, 2);
    const coded = encode(bits, 'rep3');
    for (let i = 0; i < 64; i++) coded[(i % 3) * 64 + i]! ^= 1;
    expect(decode(coded, 'rep3')).toEqual(bits);
  });

  test('Hamming needs a multiple of 4 bits', () => {
    expect(() => encode(new Uint8Array(6), 'hamming74')).toThrow(TypeError);
  });
});
