/**
 * A calibration run of the lab's edges (`semaigc lab --calibrate 2,4,8,12,16,20`): for each
 * step count s one trial in which every request runs all s steps on its edge (a = T̂ = s,
 * ideal channel, so the quality is the edge's), round robin over the edges so each edge
 * gets the same requests; then, per edge, the mean measured caption consistency at each s
 * is fitted with the AaaS four-parameter curve (@semaigc/asp fitQualityCurve), and the lab
 * is saved as a calibrated profile: edges (announced capacity, fitted curve), the step
 * counts as task demands, and a linear runtime fitted to the records' end-to-end times.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CoordinatorHandle, TrialSummary } from '@semaigc/coordinator';
import {
  calibratedProfile,
  calibrationPoints,
  fitQualityCurve,
  type CalibratedEdge,
  type CalibratedProfileFile,
} from '@semaigc/asp';
import { parseRecord, type RecordMessage } from '@semaigc/protocol';

export interface CalibrationOptions {
  steps: number[];
  /** Requests per edge at each step count. */
  requestsPerEdge: number;
  edges: number;
  receivers: number;
  out: string;
  /** Arrivals per second of the simulated episodes (default 1) and their length (default 200 s). */
  arrivalRate?: number;
  episodeSeconds?: number;
  log: (line: string) => void;
}

function records(summary: TrialSummary): RecordMessage[] {
  return fs
    .readFileSync(summary.files.records, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => parseRecord(JSON.parse(l)));
}

/** Least squares of endToEnd (s) = overhead + steps·perStep over succeeded records. */
function fitRuntime(all: RecordMessage[]): { overheadS: number; perStepS: number } {
  const pts = all
    .filter((r) => !r.failed && r.timings.endToEndMs !== null)
    .map((r) => [r.edgeSteps, r.timings.endToEndMs! / 1000] as const);
  const n = pts.length;
  const mx = pts.reduce((s, [x]) => s + x, 0) / n;
  const my = pts.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const perStepS = Math.max(1e-3, sxx > 0 ? sxy / sxx : my / Math.max(1, mx));
  return { overheadS: Math.max(0, my - perStepS * mx), perStepS };
}

export async function runCalibration(
  coordinator: CoordinatorHandle,
  o: CalibrationOptions,
): Promise<CalibratedProfileFile> {
  const all: RecordMessage[] = [];
  const perReceiver = Math.max(1, Math.ceil((o.requestsPerEdge * o.edges) / Math.max(1, o.receivers)));
  for (const s of o.steps) {
    const summary = await coordinator.runTrial({
      name: `calibrate-s${s}`,
      prompts: { generator: 'grammar', seed: 3, count: 40 },
      seeds: { base: 3000 },
      totalSteps: s,
      policy: { kind: 'fixed', edgeSteps: s },
      channel: { mode: 'ideal' },
      snr: { kind: 'sweep', valuesDb: [20] },
      requestsPerReceiver: perReceiver,
      arrival: { kind: 'closed-loop' },
      latency: { minS: 1, maxS: 30, failureS: 120 },
      edgeSelector: 'round-robin',
      overload: 'reject',
      retries: { max: 3 },
    });
    const got = records(summary);
    all.push(...got);
    o.log(
      `calibrate: ${s} steps, ${got.filter((r) => !r.failed).length}/${got.length} records (${summary.runDir})`,
    );
  }
  const points = calibrationPoints(all);
  const edges: CalibratedEdge[] = [...points].map(([edgeId, pts]) => {
    const fit = fitQualityCurve(pts);
    const capacity = all.find((r) => r.edgeId === edgeId)?.edge?.capacitySteps ?? Math.max(...o.steps);
    o.log(
      `calibrate: ${edgeId} A_x ${fit.curve.ax} A_y ${fit.curve.ay.toFixed(3)} B_x ${fit.curve.bx} B_y ${fit.curve.by.toFixed(3)} (rmse ${fit.rmse.toFixed(3)}, ${fit.points} step counts)`,
    );
    return { edgeId, capacity, curve: fit.curve, rmse: fit.rmse, points: fit.points };
  });
  // The file name usually says 'lab' already (lab-4edges.json): do not say it twice.
  const base = path.basename(o.out, '.json');
  const file = calibratedProfile({
    name: base.startsWith('lab') ? base : `lab-${base}`,
    edges,
    taskStepChoices: o.steps,
    runtime: fitRuntime(all),
    arrivalRate: o.arrivalRate ?? 1,
    episodeSeconds: o.episodeSeconds ?? 200,
  });
  fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(file, null, 2) + '\n');
  return file;
}
