/**
 * Text SNR traces: rows of "time,snr" (seconds, dB), as a measurement campaign or a
 * simulator exports them. Browser-safe: takes the text, not a path. Accepted: comma,
 * semicolon, tab or space separators; '#' comments; blank lines; one optional header line
 * (its first field not a number) before the first row. Times must be >= 0 and increase strictly.
 */
import { SNR_DB_MAX, SNR_DB_MIN } from '@semaigc/protocol';
import { TraceParseError } from './errors';

export type TraceRow = [timeSeconds: number, snrDb: number];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function num(field: string): number | null {
  return NUMBER.test(field) ? Number(field) : null;
}

export function parseSnrTrace(text: string): TraceRow[] {
  if (typeof text !== 'string') throw new TypeError('parseSnrTrace: text must be a string');
  const rows: TraceRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*/, '').trim();
    if (line === '') continue;
    const fields = line.split(/[\s,;]+/);
    const t = num(fields[0] ?? '');
    const snr = num(fields[1] ?? '');
    if (t === null || snr === null || fields.length !== 2) {
      // One header line ("time,snr") is allowed: the first line, if it does not start with a number.
      if (t === null && !headerSeen(lines, i)) continue;
      // The line itself is not quoted: a trace path can name any file, and an error must
      // never hand a file's content to whoever asked for it.
      throw new TraceParseError(
        i + 1,
        `expected two numbers "time,snr", got ${fields.length} field(s) that are not both numbers`,
      );
    }
    if (t < 0) throw new TraceParseError(i + 1, `time ${t} s is negative`);
    const prev = rows[rows.length - 1];
    if (prev && t <= prev[0])
      throw new TraceParseError(i + 1, `time ${t} s does not increase (previous ${prev[0]} s)`);
    if (snr < SNR_DB_MIN || snr > SNR_DB_MAX) {
      throw new TraceParseError(i + 1, `SNR ${snr} dB is outside [${SNR_DB_MIN}, ${SNR_DB_MAX}] dB`);
    }
    rows.push([t, snr]);
  }
  if (rows.length === 0)
    throw new TraceParseError(Math.max(1, text.trimEnd().split(/\r?\n/).length), 'no (time, snr) rows');
  return rows;
}

/** Whether a non-empty, non-comment line comes before line `i` (so line i cannot be the header). */
function headerSeen(lines: string[], i: number): boolean {
  for (let j = 0; j < i; j++) if (lines[j]!.replace(/#.*/, '').trim() !== '') return true;
  return false;
}
