/**
 * Fault: the coordinator is SIGKILLed mid-trial and started again on the same runs folder
 * and nats-server (scenarios/coordinator-restart.ts: real nats-server with JetStream and
 * credentials, `semaigc coordinator`, `semaigc edge`, two `semaigc receiver`s, `semaigc
 * trial run` following the trial; receiver B is killed with the coordinator, A goes on).
 *
 * After the restart the trial must be known (not 404) and ended as `aborted: coordinator
 * restarted` with a summary.json; every request sent has exactly one record (none lost,
 * none twice): A's records published while the coordinator was down are written as they
 * came, B's unanswered requests are CANCELLED naming the restart, and the lines written
 * before the kill are still the file's first lines. `trial run` re-attaches and exits 2
 * (not completed). Needs `npm run build` (the CLI's dist).
 */
import { coordinatorRestart } from './scenarios/coordinator-restart';

test('a coordinator SIGKILLed mid-trial and restarted ends the trial with every sent request recorded once', async () => {
  const m = await coordinatorRestart();
  expect(m.unansweredB.length).toBeGreaterThan(0);
  expect(m.rxAAlive).toBe(true);
  expect(m.cliCode).toBe(2); // the trial ended, not completed
  expect(m.cliErr).toMatch(/unreachable/);
  expect(m.cliErr).toMatch(/re-attached to trial restart-1/);
  expect(m.cliErr).toMatch(/aborted: coordinator restarted/);

  expect(m.infoStatus).toBe(200);
  expect(m.info?.state).toBe('aborted');
  expect(m.info?.summary).toMatchObject({ status: 'aborted', reason: 'coordinator restarted' });
  expect(m.summaryFile).toBe(true);
  expect(m.after.startsWith(m.before)).toBe(true); // nothing written before the kill was touched
  const ids = m.written.map((r) => r.requestId);
  expect(new Set(ids).size).toBe(ids.length); // no request twice
  // Nothing lost: every request the wire saw going out has its record.
  for (const id of m.sent.keys()) expect(ids).toContain(id);
  // A record for a request the wire never saw can only be one journaled just before the kill.
  for (const r of m.written.filter((x) => !m.sent.has(x.requestId)))
    expect(r.failure?.code).toBe('CANCELLED');
  const byId = new Map(m.written.map((r) => [r.requestId, r]));
  // A's records that reached the stream while no coordinator ran are written as they came.
  for (const id of m.publishedWhileDown) {
    expect(byId.get(id)).toMatchObject({ failed: false, receiverId: 'rxa-0' });
  }
  // B's requests out at the kill can never be answered: CANCELLED, naming the restart.
  for (const id of m.unansweredB) {
    const r = byId.get(id)!;
    expect(r.failure).toMatchObject({ code: 'CANCELLED' });
    expect(r.failure?.reason).toMatch(/coordinator restarted/);
  }
  expect(m.summary?.requests).toBe(m.written.length);
  expect(m.summary?.planned).toBe(30);
}, 600_000);
