/**
 * Fault: the edge (a separate process) is frozen with SIGSTOP for 15 s while it has work
 * queued, then resumed with SIGCONT. The requests it held wait for it (retries.edgeGraceS
 * longer than the freeze) instead of failing NO_EDGE at once, and run again on it once it
 * beats again; the work it held from before the freeze had passed its attempt's deadline
 * and is dropped (DEADLINE_EXCEEDED) rather than computed and delivered. One record per
 * request, none failed. Needs `npm run build` (the CLI's dist).
 */
import { type NodeProcess, type ProcessLab, startProcessLab } from './process-lab';
import { edgeFreeze } from './scenarios';

let lab: ProcessLab;
let edge: NodeProcess;
let rx: NodeProcess;
beforeAll(async () => {
  lab = await startProcessLab();
  // At a fifth of its speed the edge holds a queue of the trial's burst when it freezes.
  edge = await lab.edge('edge-f', 0.2);
  rx = await lab.receiver('rx-f');
}, 240_000);
afterAll(() => lab?.close(), 60_000);

test('edge SIGSTOP 15 s + SIGCONT: its requests wait and run again on it, stale work is dropped', async () => {
  // The attempt timeout (12 s) is shorter than the freeze: what the edge held has expired
  // by the time it runs again.
  const m = await edgeFreeze(lab, { stopMs: 15_000, n: 8, edge, receiver: rx, attemptTimeoutS: 12 });
  expect(m.summary.status).toBe('completed');
  expect(m.issued).toBe(8);
  expect(m.records).toBe(m.issued);
  expect(m.lost).toBe(0);
  expect(m.duplicates).toBe(0);
  // Failed records would show here with their codes and reasons.
  expect(m.recordList.filter((r) => r.failed).map((r) => r.failure)).toEqual([]);
  expect(m.codes).toEqual({});
  // The freeze cost retries, served by the same edge once it was back.
  expect(m.summary.retried).toBeGreaterThan(0);
  expect(m.servedAfter).toBeGreaterThan(0);
  expect(new Set(m.recordList.map((r) => r.edgeId))).toEqual(new Set(edge.ids));
  // No payload left the edge after its attempt's deadline; what it held was dropped instead.
  expect(m.staleLatents).toBe(0);
  expect(m.droppedStale).toBeGreaterThan(0);
}, 420_000);
