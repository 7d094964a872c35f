/**
 * Closed-form bit error rates on the AWGN channel, the curves the measured BER is checked
 * against (test/digital-ber.test.ts) and drawn under (the BER chart). γ = Es/N0 (linear),
 * unit average symbol energy, Gray mapping:
 *   BPSK    Pb = Q(√(2γ))
 *   QPSK    Pb = Q(√γ)                       (each bit is a BPSK bit at half the energy)
 *   16-QAM  Pb = [3Q(√(γ/5)) + 2Q(3√(γ/5)) − Q(5√(γ/5))]/4   (exact for Gray 4-PAM per axis)
 * and Es/N0 = Eb/N0 + 10·log10(bits per symbol · code rate).
 */
import type { ChannelConfig } from '@semaigc/protocol';
import { qfunc } from './special';

export type Modulation = NonNullable<ChannelConfig['digital']>['modulation'];
export type Code = NonNullable<ChannelConfig['digital']>['code'];

const BITS_PER_SYMBOL: Record<Modulation, number> = { bpsk: 1, qpsk: 2, '16qam': 4 };
const CODE_RATE: Record<Code, number> = { none: 1, rep3: 1 / 3, hamming74: 4 / 7 };

export function bitsPerSymbol(m: Modulation): number {
  return BITS_PER_SYMBOL[m];
}

/** Information bits per coded bit. */
export function codeRate(c: Code): number {
  return CODE_RATE[c];
}

export function dbToLinear(db: number): number {
  return Math.pow(10, db / 10);
}

export function linearToDb(x: number): number {
  return 10 * Math.log10(x);
}

/** Es/N0 in dB for a given Eb/N0 (energy per information bit). */
export function esN0FromEbN0(ebN0Db: number, m: Modulation, c: Code = 'none'): number {
  return ebN0Db + linearToDb(bitsPerSymbol(m) * codeRate(c));
}

export function ebN0FromEsN0(esN0Db: number, m: Modulation, c: Code = 'none'): number {
  return esN0Db - linearToDb(bitsPerSymbol(m) * codeRate(c));
}

/** Uncoded bit error probability at Es/N0 (dB). */
export function berTheory(m: Modulation, esN0Db: number): number {
  const g = dbToLinear(esN0Db);
  switch (m) {
    case 'bpsk':
      return qfunc(Math.sqrt(2 * g));
    case 'qpsk':
      return qfunc(Math.sqrt(g));
    case '16qam': {
      const a = Math.sqrt(g / 5);
      return (3 * qfunc(a) + 2 * qfunc(3 * a) - qfunc(5 * a)) / 4;
    }
  }
}

/** Information-bit error probability of Hamming(7,4) with syndrome decoding, by enumeration. */
function hamming74Ber(p: number): number {
  // Positions 1..7; parity at 1, 2, 4; data at 3, 5, 6, 7. The syndrome of an error pattern is
  // the XOR of the positions in error; the decoder flips that position.
  const DATA = [3, 5, 6, 7];
  let ber = 0;
  for (let e = 0; e < 128; e++) {
    let w = 0;
    let syndrome = 0;
    for (let pos = 1; pos <= 7; pos++) {
      if ((e >> (pos - 1)) & 1) {
        w++;
        syndrome ^= pos;
      }
    }
    const residual = syndrome === 0 ? e : e ^ (1 << (syndrome - 1));
    const dataErrors = DATA.filter((pos) => (residual >> (pos - 1)) & 1).length;
    ber += Math.pow(p, w) * Math.pow(1 - p, 7 - w) * (dataErrors / 4);
  }
  return ber;
}

/**
 * Information-bit error probability after hard-decision decoding when coded bits err
 * independently with probability p (true for BPSK and Gray QPSK behind the interleaver;
 * an approximation for 16-QAM, whose bit positions differ in reliability).
 */
export function berAfterDecoding(c: Code, p: number): number {
  switch (c) {
    case 'none':
      return p;
    case 'rep3':
      return 3 * p * p * (1 - p) + p * p * p;
    case 'hamming74':
      return hamming74Ber(p);
  }
}
