/**
 * Fault: nats-server down 30 s, longer than nats.js's default reconnect budget (10 tries
 * 2 s apart, after which nodes used to exit 0 silently) and longer than the trial's
 * graces. Every process stays up and reconnects, each logging the outage once; once NATS is
 * back, a new trial is served in full. Nothing is lost, and what the outage does to the
 * trial is fixed by the rules, not by timing: the nodes go silent for the coordinator
 * (nodeTimeoutMs 2.5 s), the requests caught wait the graces (5 s from the nodes' last
 * sign of life) and fail with the code of the loss, all within the outage: the trial has
 * ended before the server is back, and no request completes after the reconnect. Needs
 * `npm run build` (the CLI's dist).
 */
import * as fs from 'node:fs';
import { type NodeProcess, type ProcessLab, startProcessLab } from './process-lab';
import { natsOutage } from './scenarios';

/** What a request caught by the outage may fail with: each names the cause. */
const OUTAGE_CODES = ['NODE_LOST', 'NO_RECEIVER', 'NO_EDGE', 'TIMEOUT', 'DEADLINE_EXCEEDED'];

let lab: ProcessLab;
let edge: NodeProcess;
let rx: NodeProcess;
beforeAll(async () => {
  lab = await startProcessLab();
  // One at a time: two bundles loading at once on a busy 2-core machine starve each other.
  edge = await lab.edge('edge-o30');
  rx = await lab.receiver('rx-o30');
}, 240_000);
afterAll(() => lab?.close(), 60_000);

test('NATS down 30 s: processes stay up and reconnect, failures carry clear codes, nothing lost', async () => {
  const m = await natsOutage(lab, {
    downMs: 30_000,
    n: 12,
    edge,
    receiver: rx,
    retries: { max: 1, receiverGraceS: 5, edgeGraceS: 5 },
    afterwards: 3,
  });
  // What the run measured, for a report (SEMAIGC_FAULT_MEASURE=<file>).
  const out = process.env['SEMAIGC_FAULT_MEASURE'];
  if (out) fs.writeFileSync(out, JSON.stringify({ ...m, summary: undefined, log: lab.log }) + '\n');
  expect(m.summary.status).toBe('completed');
  expect(m.records).toBe(m.issued);
  expect(m.lost).toBe(0);
  expect(m.duplicates).toBe(0);
  // A request caught by the outage either completed after the reconnect or failed with a
  // code that says why, its reason naming the cause.
  for (const [code, n] of Object.entries(m.codes)) {
    expect(OUTAGE_CODES).toContain(code);
    expect(n).toBeGreaterThan(0);
  }
  for (const r of m.recordList.filter((x) => x.failed)) {
    expect(r.failure!.reason).toMatch(
      /not back within|no edge back within|offline|no record within|deadline/,
    );
  }
  expect(new Set(m.recordList.map((r) => r.receiverId))).toEqual(new Set(rx.ids));
  // Settled within the outage: node timeout + grace (+ a sweep) is far less than 30 s.
  expect(m.failed).toBeGreaterThan(0);
  expect(m.recoveryMs).toBeNull();
  expect(m.summary.endedAt).toBeLessThan(m.backAt);
  for (const r of m.recordList.filter((x) => x.failed)) {
    expect(r.completedAt).toBeGreaterThanOrEqual(m.downAt);
    expect(r.completedAt).toBeLessThan(m.backAt);
  }
  expect(m.healthDown).toEqual({ status: 503, nats: 'reconnecting' });
  expect(m.healthBack).toEqual({ status: 200, nats: 'connected' });
  for (const n of m.nodes) {
    // Still running after 30 s without a server, and back: one line per change, not per dial.
    expect(n).toMatchObject({ alive: true, disconnects: 1, reconnectingLines: 1, reconnects: 1 });
  }
  expect(m.afterwards).toEqual({ issued: 3, succeeded: 3 });
}, 420_000);
