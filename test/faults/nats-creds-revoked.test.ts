/**
 * Fault: the NATS server comes back from a restart without the lab's keys (credentials
 * revoked, or the wrong server config). The links reconnect through outages, but a server
 * that refuses the credentials twice in a row is the end: the receiver process exits
 * non-zero naming the cause (not 0, not silently), and the coordinator reports its link
 * closed on /healthz (503). Needs `npm run build` (the CLI's dist).
 */
import * as path from 'node:path';
import { createCredentials } from '@semaigc/node-kit';
import { type NodeProcess, type ProcessLab, startProcessLab, waitFor } from './process-lab';

let lab: ProcessLab;
let rx: NodeProcess;
beforeAll(async () => {
  lab = await startProcessLab();
  rx = await lab.receiver('rx-revoked');
}, 240_000);
afterAll(() => lab?.close(), 60_000);

test('a server that refuses the credentials after a restart: the node exits 1 saying why', async () => {
  const other = createCredentials(path.join(lab.dir, 'other-creds'));
  await lab.stopNats();
  await lab.startNats(other.serverConfig);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    rx.exited,
    new Promise<'still running'>((r) => (timer = setTimeout(() => r('still running'), 120_000))),
  ]).finally(() => clearTimeout(timer));
  expect(code).toBe(1);
  expect(rx.stderr()).toMatch(
    /receivers rx-revoked-0: the NATS connection closed for good: .*Authorization/i,
  );
  expect(rx.logs().some((l) => l.msg === 'NATS connection closed: gave up')).toBe(true);
  // The coordinator gives up the same way: its health says so.
  const gaveUp = await lab.coord.natsGaveUp;
  expect(String(gaveUp)).toMatch(/Authorization/i);
  const h = await waitFor(() => lab.coord.natsState() === 'closed' || undefined, 10_000).then(() =>
    lab.health(),
  );
  expect(h).toEqual({ status: 503, body: { ok: false, nats: 'closed' } });
}, 300_000);
