/**
 * The calibration points of each edge from a calibration trial's records: per edge and per
 * step count, the mean measured quality (caption consistency) of the requests that
 * succeeded. A record is any object with the record's fields used here (records.jsonl
 * lines parse into it), so this stays browser-safe and free of the wire protocol.
 */
import type { QualityPoint } from './fit';

export interface CalibrationRecord {
  edgeId: string | null;
  /** Steps the edge ran (a); a calibration trial runs every step on the edge (a = T̂). */
  edgeSteps: number;
  failed: boolean;
  quality: { consistency: number | null };
}

/** Edge id → its points, sorted by steps; failed records and records without a score are skipped. */
export function calibrationPoints(records: Iterable<CalibrationRecord>): Map<string, QualityPoint[]> {
  const sums = new Map<string, Map<number, { sum: number; n: number }>>();
  for (const r of records) {
    const c = r.quality.consistency;
    if (r.failed || r.edgeId === null || c === null) continue;
    const byStep = sums.get(r.edgeId) ?? new Map<number, { sum: number; n: number }>();
    sums.set(r.edgeId, byStep);
    const s = byStep.get(r.edgeSteps) ?? { sum: 0, n: 0 };
    byStep.set(r.edgeSteps, { sum: s.sum + c, n: s.n + 1 });
  }
  const out = new Map<string, QualityPoint[]>();
  for (const [edge, byStep] of [...sums].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.set(
      edge,
      [...byStep].sort(([a], [b]) => a - b).map(([steps, { sum, n }]) => ({ steps, quality: sum / n, n })),
    );
  }
  return out;
}
