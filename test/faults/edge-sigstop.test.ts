/**
 * Fault: the edge (a separate process) is frozen with SIGSTOP for 15 s the moment its first
 * payload is out, so it holds the rest of a burst, then resumed with SIGCONT. The requests
 * it held wait for it (retries.edgeGraceS longer than the freeze) instead of failing NO_EDGE
 * or NODE_LOST, and run again on it once it beats again; the work it held from before the
 * freeze had passed its attempt's deadline and is dropped (DEADLINE_EXCEEDED) rather than
 * computed and delivered. One record per request. The attempt timeout and the grace are
 * sized from the freeze (`freezeRetries`), so the test does not hinge on how fast a loaded
 * machine runs the edge. Needs `npm run build` (the CLI's dist).
 */
import * as fs from 'node:fs';
import type { ErrorCode } from '@semaigc/protocol';
import { type NodeProcess, type ProcessLab, startProcessLab } from './process-lab';
import { edgeFreeze } from './scenarios';

/**
 * What a request caught by the freeze may still end as: a retry that timed out behind the
 * burst sent again after SIGCONT on a very slow machine. The failures a broken grace or
 * deadline would cause (NODE_LOST, NO_EDGE, a stale payload's record) are not among them.
 */
const ALLOWED_FAILURES: ErrorCode[] = ['TIMEOUT', 'DEADLINE_EXCEEDED'];

let lab: ProcessLab;
let edge: NodeProcess;
let rx: NodeProcess;
beforeAll(async () => {
  lab = await startProcessLab();
  // At half speed a job lasts long enough that the freeze lands while the edge holds the burst.
  edge = await lab.edge('edge-f', 0.5);
  rx = await lab.receiver('rx-f');
}, 240_000);
afterAll(() => lab?.close(), 60_000);

test('edge SIGSTOP 15 s + SIGCONT: its requests wait and run again on it, stale work is dropped', async () => {
  const m = await edgeFreeze(lab, { stopMs: 15_000, n: 4, edge, receiver: rx });
  // What the run measured, for a report (SEMAIGC_FAULT_MEASURE=<file>).
  const out = process.env['SEMAIGC_FAULT_MEASURE'];
  if (out) fs.writeFileSync(out, JSON.stringify({ ...m, recordList: undefined, summary: undefined }) + '\n');
  expect(m.summary.status).toBe('completed');
  expect(m.issued).toBe(4);
  expect(m.records).toBe(m.issued);
  expect(m.lost).toBe(0);
  expect(m.duplicates).toBe(0);
  // Failed records would show here with their codes and reasons.
  const failures = m.recordList.filter((r) => r.failed).map((r) => r.failure);
  expect(failures.filter((f) => !f || !ALLOWED_FAILURES.includes(f.code))).toEqual([]);
  // The freeze cost retries, served by the same edge once it was back.
  expect(m.summary.retried).toBeGreaterThan(0);
  expect(m.servedAfter).toBeGreaterThan(0);
  expect(new Set(m.recordList.map((r) => r.edgeId))).toEqual(new Set(edge.ids));
  // No payload left the edge after its attempt's deadline; what it held was dropped instead.
  expect(m.staleLatents).toBe(0);
  expect(m.droppedStale).toBeGreaterThan(0);
}, 420_000);
