/**
 * Rows of the parts a run of the root suite skipped (`--parts`), carried over from the
 * previous runs/bench/root.json so that the file always holds every row; each carried row
 * says where it came from (`carried`: that run's date and commit). Parts are told apart by
 * case name.
 */
import * as fs from 'node:fs';
import type { Row } from '../../harness';

export type Part = 'paper' | 'scenarios' | 'sim2real';

const PAPER_PREFIXES = [
  'decision',
  'update, batch',
  'training ',
  'episodes to 95%',
  'ROOT / oracle, worst SNR',
  'ROOT ≥ every baseline',
];

export function partOf(caseName: string): Part {
  if (caseName.startsWith('sim-to-real') || caseName.startsWith('control: live')) return 'sim2real';
  if (PAPER_PREFIXES.some((p) => caseName.startsWith(p))) return 'paper';
  return 'scenarios';
}

/** The previous run's extra entries that belong to each part. */
const EXTRA_OF: Record<Part, string[]> = {
  paper: ['seeds', 'episodes', 'config', 'perSeed', 'updateMs'],
  scenarios: ['scenarios'],
  sim2real: [],
};

interface Previous {
  conditions?: { date?: string; commit?: string };
  rows?: (Row & { carried?: string })[];
  extra?: Record<string, unknown>;
}

export interface Carried {
  rows: Row[];
  extra: Record<string, unknown>;
  /** The previous run, or null when nothing was carried. */
  from: string | null;
}

export function carryRows(file: string, ran: ReadonlySet<Part>, fresh: readonly Row[]): Carried {
  const skipped = (['paper', 'scenarios', 'sim2real'] as const).filter((p) => !ran.has(p));
  if (skipped.length === 0 || !fs.existsSync(file)) return { rows: [], extra: {}, from: null };
  const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as Previous;
  if (!Array.isArray(prev.rows)) throw new TypeError(`${file}: 'rows' must be an array`);
  const from = `${prev.conditions?.date ?? '?'} ${prev.conditions?.commit ?? '?'}`;
  const have = new Set(fresh.map((r) => r.case));
  const rows = prev.rows
    .filter((r) => skipped.includes(partOf(String(r.case))) && !have.has(r.case))
    // A row carried before keeps the run it was measured in.
    .map((r) => ({ ...r, carried: r.carried ?? from }));
  const extra: Record<string, unknown> = {};
  for (const p of skipped)
    for (const k of EXTRA_OF[p]) if (prev.extra && k in prev.extra) extra[k] = prev.extra[k];
  return { rows, extra, from };
}
