/**
 * Fault: nats-server goes down for 3 s in the middle of a trial and comes back on its port.
 * Edge and receiver are separate processes with role credentials. Every process rides it
 * out: the links reconnect (each change logged once), /healthz says 503 while the
 * coordinator's link is down, and the trial completes with one record per request issued,
 * none failed (the outage is shorter than retries.receiverGraceS / edgeGraceS). Needs
 * `npm run build` (the CLI's dist).
 */
import { type NodeProcess, type ProcessLab, startProcessLab } from './process-lab';
import { natsOutage } from './scenarios';

let lab: ProcessLab;
let edge: NodeProcess;
let rx: NodeProcess;
beforeAll(async () => {
  lab = await startProcessLab();
  // One at a time: two bundles loading at once on a busy 2-core machine starve each other.
  edge = await lab.edge('edge-o3');
  rx = await lab.receiver('rx-o3');
}, 240_000);
afterAll(() => lab?.close(), 60_000);

test('NATS down 3 s: the trial completes, nothing lost, every process reconnects', async () => {
  const m = await natsOutage(lab, {
    downMs: 3000,
    n: 16,
    edge,
    receiver: rx,
    retries: { max: 3, receiverGraceS: 30, edgeGraceS: 30 },
  });
  expect(m.summary.status).toBe('completed');
  expect(m.issued).toBe(16);
  expect(m.records).toBe(m.issued);
  expect(m.lost).toBe(0);
  expect(m.duplicates).toBe(0);
  // Failed records would show here with their codes and reasons.
  expect(m.recordList.filter((r) => r.failed).map((r) => r.failure)).toEqual([]);
  expect(m.codes).toEqual({});
  expect(m.failed).toBe(0);
  // Nothing but the lab's nodes in the records.
  expect(new Set(m.recordList.map((r) => r.receiverId))).toEqual(new Set(rx.ids));
  expect(new Set(m.recordList.map((r) => r.edgeId))).toEqual(new Set(edge.ids));
  expect(m.healthDown).toEqual({ status: 503, nats: 'reconnecting' });
  expect(m.healthBack).toEqual({ status: 200, nats: 'connected' });
  for (const n of m.nodes) {
    expect(n).toMatchObject({ alive: true, disconnects: 1, reconnectingLines: 1, reconnects: 1 });
  }
  const coordLines = lab.log.map((l) => l.msg);
  expect(coordLines.filter((l) => l === 'NATS reconnected')).toHaveLength(1);
}, 300_000);
