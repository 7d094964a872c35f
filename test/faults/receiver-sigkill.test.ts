/**
 * Fault: the headless receiver (a separate process) is SIGKILLed mid-trial, no bye, and
 * never comes back. The trial still ends, with one record per request issued: those the
 * receiver took with it, and those still to come, failed NODE_LOST / NO_RECEIVER with a
 * reason naming retries.receiverGraceS. Needs `npm run build` (the CLI's dist).
 */
import { type NodeProcess, type ProcessLab, startProcessLab } from './process-lab';
import { receiverKill } from './scenarios';

let lab: ProcessLab;
let rx: NodeProcess;
beforeAll(async () => {
  lab = await startProcessLab();
  await lab.edge('edge-k');
  rx = await lab.receiver('rx-k');
}, 240_000);
afterAll(() => lab?.close(), 60_000);

test('receiver SIGKILL: every request ends in a record, the lost ones NODE_LOST / NO_RECEIVER', async () => {
  const m = await receiverKill(lab, { n: 8, receiver: rx, receiverGraceS: 3 });
  expect(m.summary.status).toBe('completed');
  expect(m.records).toBe(m.issued);
  expect(m.lost).toBe(0);
  expect(m.duplicates).toBe(0);
  expect(m.failed).toBeGreaterThan(0);
  expect(m.succeeded).toBeGreaterThan(0); // the records before the kill
  for (const code of Object.keys(m.codes)) expect(['NODE_LOST', 'NO_RECEIVER']).toContain(code);
  for (const r of m.recordList.filter((x) => x.failed))
    expect(r.failure!.reason).toMatch(/offline|not back within 3 s \(retries\.receiverGraceS\)/);
  expect(await rx.exited).toBeNull(); // killed by the signal
}, 300_000);
