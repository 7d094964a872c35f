/**
 * Gray-mapped BPSK, QPSK and 16-QAM with unit average symbol energy, and hard decisions.
 * Symbols are complex, stored interleaved as [I0, Q0, I1, Q1, …].
 *   BPSK   b → (1 − 2b, 0)
 *   QPSK   (b0, b1) → ((1 − 2b0), (1 − 2b1))/√2
 *   16-QAM (b0, b1, b2, b3) → (pam(b0, b1), pam(b2, b3))/√10, with the Gray 4-PAM
 *          pam: 00 → +3, 01 → +1, 11 → −1, 10 → −3 (first bit = sign, second = inner)
 * Bits past the end of the input (padding of the last symbol) are 0.
 */
import { bitsPerSymbol, type Modulation } from './theory';

const { abs } = Math; // local alias: fast under vm contexts (jest) too
const QPSK_A = Math.SQRT1_2;
const QAM16_A = 1 / Math.sqrt(10);
/** Decision threshold between inner and outer 16-QAM levels (2/√10). */
const QAM16_T = 2 * QAM16_A;

export function symbolCount(bits: number, m: Modulation): number {
  return Math.ceil(bits / bitsPerSymbol(m));
}

function pam4(sign: number, inner: number): number {
  return (sign ? -1 : 1) * (inner ? 1 : 3);
}

export function modulate(bits: Uint8Array, m: Modulation): Float64Array {
  const n = symbolCount(bits.length, m);
  const s = new Float64Array(2 * n);
  const b = (i: number): number => (i < bits.length ? bits[i]! : 0);
  switch (m) {
    case 'bpsk':
      for (let k = 0; k < n; k++) s[2 * k] = 1 - 2 * b(k);
      break;
    case 'qpsk':
      for (let k = 0; k < n; k++) {
        s[2 * k] = (1 - 2 * b(2 * k)) * QPSK_A;
        s[2 * k + 1] = (1 - 2 * b(2 * k + 1)) * QPSK_A;
      }
      break;
    case '16qam':
      for (let k = 0; k < n; k++) {
        s[2 * k] = pam4(b(4 * k), b(4 * k + 1)) * QAM16_A;
        s[2 * k + 1] = pam4(b(4 * k + 2), b(4 * k + 3)) * QAM16_A;
      }
      break;
  }
  return s;
}

/** Hard decisions on (equalised) symbols back to `nBits` bits. */
export function demodulate(s: Float64Array, m: Modulation, nBits: number): Uint8Array {
  const bits = new Uint8Array(nBits);
  const put = (i: number, v: number): void => {
    if (i < nBits) bits[i] = v;
  };
  const n = s.length / 2;
  switch (m) {
    case 'bpsk':
      for (let k = 0; k < n; k++) put(k, s[2 * k]! < 0 ? 1 : 0);
      break;
    case 'qpsk':
      for (let k = 0; k < n; k++) {
        put(2 * k, s[2 * k]! < 0 ? 1 : 0);
        put(2 * k + 1, s[2 * k + 1]! < 0 ? 1 : 0);
      }
      break;
    case '16qam':
      for (let k = 0; k < n; k++) {
        const i = s[2 * k]!;
        const q = s[2 * k + 1]!;
        put(4 * k, i < 0 ? 1 : 0);
        put(4 * k + 1, abs(i) < QAM16_T ? 1 : 0);
        put(4 * k + 2, q < 0 ? 1 : 0);
        put(4 * k + 3, abs(q) < QAM16_T ? 1 : 0);
      }
      break;
  }
  return bits;
}
