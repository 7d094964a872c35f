/** Small file helpers for run directories: JSON and CSV in, JSON and CSV out. */
import * as fs from 'node:fs';
import * as path from 'node:path';

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

function cell(v: CsvValue): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes rows of objects as CSV with the union of their keys as header. */
export function writeCsv(file: string, rows: readonly Record<string, CsvValue>[]): void {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const lines = [header.join(','), ...rows.map((r) => header.map((h) => cell(r[h] ?? null)).join(','))];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** runs/root/<id> under the current directory unless --out says otherwise. */
export function runDirectory(out: string | undefined, id: string): string {
  return path.resolve(out ?? path.join('runs', 'root', id));
}

export function defaultRunId(profile: string, seed: number): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${profile}-seed${seed}-${stamp}`;
}
