/**
 * Shared benchmark harness. A suite measures and returns rows; the harness adds the
 * conditions (machine, Node version, commit, date), prints a table and writes
 * runs/bench/<suite>.json. Benchmarks measure; tests assert behaviour.
 */
import { execSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { quantileSorted } from '@semaigc/metrics';
import Table from 'cli-table3';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface SuiteResult {
  /** One row per measured configuration; every row should carry n, median and a spread. */
  rows: Row[];
  /** Suite-specific extras (targets, notes, raw samples); stored verbatim in the JSON. */
  extra?: Record<string, unknown>;
}

export interface SuiteContext {
  /** Where the suite may write pictures or other artefacts (runs/bench). */
  outDir: string;
  /** Arguments after the suite name (`npm run bench -- channel --quick`). */
  args: string[];
  log: (line: string) => void;
}

export type Suite = (ctx: SuiteContext) => Promise<SuiteResult>;

export interface Conditions {
  date: string;
  commit: string | null;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadAverage: number[];
}

export function conditions(): Conditions {
  let commit: string | null;
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    commit = null;
  }
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    commit,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function formatCell(v: Cell): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v.toString();
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toPrecision(4);
  }
  return v === null ? '-' : String(v);
}

export function renderTable(rows: Row[]): string {
  const head = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const table = new Table({ head });
  for (const r of rows) table.push(head.map((h) => formatCell(r[h] ?? null)));
  return table.toString();
}

export async function runSuite(name: string, suite: Suite, args: string[]): Promise<string> {
  const outDir = path.resolve('runs', 'bench');
  fs.mkdirSync(outDir, { recursive: true });
  const log = (line: string): void => void process.stderr.write(`[bench:${name}] ${line}\n`);
  const cond = conditions();
  log(`${cond.cpu} x${cond.cores}, ${cond.node}, commit ${cond.commit ?? 'none'}`);
  const result = await suite({ outDir, args, log });
  const file = path.join(outDir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ suite: name, conditions: cond, ...result }, null, 2) + '\n');
  process.stdout.write(renderTable(result.rows) + '\n');
  log(`wrote ${path.relative(process.cwd(), file)}`);
  return file;
}

/**
 * Median and spread of a sample, the figures every row should report. Quantiles are
 * @semaigc/metrics' (linear interpolation, numpy's default), the same the trial summaries use.
 */
export function summarize(samples: number[]): {
  n: number;
  median: number;
  p10: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
} {
  if (samples.length === 0) throw new TypeError('summarize: empty sample');
  const s = Float64Array.from(samples).sort();
  return {
    n: s.length,
    median: quantileSorted(s, 0.5),
    p10: quantileSorted(s, 0.1),
    p90: quantileSorted(s, 0.9),
    p99: quantileSorted(s, 0.99),
    min: s[0]!,
    max: s[s.length - 1]!,
  };
}
