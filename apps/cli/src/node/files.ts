/** Small file helpers for run directories: JSON and CSV in, JSON and CSV out. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { csvLines } from '@semaigc/coordinator';

export function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

export type CsvValue = string | number | boolean | null;

// Six decimals are plenty for rewards and latencies and keep the tables readable; a
// non-finite number is an empty cell, as a missing value is.
function rounded(v: CsvValue): CsvValue {
  if (typeof v !== 'number') return v;
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
}

/**
 * Writes rows of objects as CSV with the union of their keys as header, in the
 * coordinator's CSV dialect (the same quoting as records.csv).
 */
export function writeCsv(file: string, rows: readonly Record<string, CsvValue>[]): void {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const body = rows.map((r) => header.map((h) => rounded(r[h] ?? null)));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, csvLines([header, ...body]));
}

/** runs/root/<id> under the current directory unless --out says otherwise. */
export function runDirectory(out: string | undefined, id: string): string {
  return path.resolve(out ?? path.join('runs', 'root', id));
}

export function defaultRunId(profile: string, seed: number): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${profile}-seed${seed}-${stamp}`;
}
