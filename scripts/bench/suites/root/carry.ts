/**
 * Rows of the parts a run of the root suite skipped (`--parts`), carried over from the
 * previous runs/bench/root.json so that the file always holds every row; each carried row
 * says where it came from (`carried`: that run's date and commit). Parts are told apart by
 * case name. Within the scenario part, the rows a run did not write — other scenarios'
 * (`--scenarios`), or those of a policy it did not retrain — are carried in the same way, and
 * so is the extra entry of a scenario not run.
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

/** The scenario a scenario-part row belongs to (null: rows every scenario run writes). */
export function scenarioOf(caseName: string): string | null {
  if (caseName.includes('single request')) return 'single';
  if (caseName.includes('heavy load')) return 'heavy';
  if (caseName.includes('contention')) return 'contention';
  return null;
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

export function carryRows(
  file: string,
  ran: ReadonlySet<Part>,
  ranScenarios: ReadonlySet<string>,
  fresh: readonly Row[],
): Carried {
  const skipped = (['paper', 'scenarios', 'sim2real'] as const).filter((p) => !ran.has(p));
  const otherScenarios = ['single', 'contention', 'heavy'].filter((k) => !ranScenarios.has(k));
  if (!fs.existsSync(file)) return { rows: [], extra: {}, from: null };
  const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as Previous;
  if (!Array.isArray(prev.rows)) throw new TypeError(`${file}: 'rows' must be an array`);
  const from = `${prev.conditions?.date ?? '?'} ${prev.conditions?.commit ?? '?'}`;
  const have = new Set(fresh.map((r) => r.case));
  // A scenario row this run did not write (another scenario, or a policy not retrained here) is carried too.
  const carries = (c: string): boolean => {
    const part = partOf(c);
    return skipped.includes(part) || (part === 'scenarios' && scenarioOf(c) !== null);
  };
  const rows = prev.rows
    .filter((r) => carries(String(r.case)) && !have.has(r.case))
    // A row carried before keeps the run it was measured in.
    .map((r) => ({ ...r, carried: r.carried ?? from }));
  const extra: Record<string, unknown> = {};
  for (const p of skipped)
    for (const k of EXTRA_OF[p]) if (prev.extra && k in prev.extra) extra[k] = prev.extra[k];
  if (ran.has('scenarios')) {
    const old = (prev.extra?.scenarios ?? {}) as Record<string, unknown>;
    const kept = Object.fromEntries(otherScenarios.filter((k) => k in old).map((k) => [k, old[k]]));
    extra.scenariosCarried = kept;
  }
  return { rows, extra, from };
}
