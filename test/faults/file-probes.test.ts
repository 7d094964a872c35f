/**
 * Fault: reading files through the API. A trial config posted over HTTP that names a file
 * outside the allow-listed directories (infra/, the runs folder, --data-dir) is refused with
 * a 400 naming the field; a file inside them that is not what the field wants fails the
 * trial with an error that names the field and never quotes the file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { postTrial, startCoordinatorFixture, type CoordinatorFixture } from './coordinator-fixture';
import { waitFor } from './helpers';

let f: CoordinatorFixture;
beforeAll(async () => {
  f = await startCoordinatorFixture();
}, 30_000);
afterAll(() => f?.close());

const SECRET = 'root:x:0:0:SECRET-LINE-do-not-echo';
const base = { prompts: ['a small red circle'], requestsPerReceiver: 1, guidanceScale: 7.5 };

test.each([
  ['snr.path', { snr: { kind: 'trace', path: '/etc/passwd' } }],
  ['policy.checkpoint', { policy: { kind: 'root', checkpoint: '/etc/shadow' } }],
  ['snr.path', { snr: { kind: 'trace', path: '../../../../../../etc/passwd' } }],
])('%s outside the allowed directories is refused naming the field', async (field, probe) => {
  const res = await postTrial(f.coordinator, { ...base, name: 'probe', ...probe });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { path: string; error: string; code: string };
  expect(body).toMatchObject({ path: field, code: 'BAD_CONFIG' });
  expect(body.error).toMatch(/outside the directories/);
  expect(JSON.stringify(body)).not.toMatch(/root:|daemon:|\$6\$/);
  expect(f.coordinator.trials()).toEqual([]);
});

test('a symlink in the data dir pointing outside it is refused too', async () => {
  const link = path.join(f.dataDir, 'passwd-link.csv');
  fs.symlinkSync('/etc/passwd', link);
  const res = await postTrial(f.coordinator, { ...base, name: 'link', snr: { kind: 'trace', path: link } });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ path: 'snr.path' });
});

test('an allowed file that is not a trace or a checkpoint fails the trial without quoting it', async () => {
  const secret = path.join(f.dataDir, 'secret.txt');
  fs.writeFileSync(secret, `${SECRET}\n${SECRET}\n`);
  for (const [name, probe] of [
    ['trace-secret', { snr: { kind: 'trace', path: secret } }],
    ['ckpt-secret', { policy: { kind: 'root', checkpoint: secret } }],
  ] as const) {
    const res = await postTrial(f.coordinator, { ...base, name, id: name, ...probe }, '?wait=1');
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(text).not.toContain('SECRET');
    await waitFor(
      () => f.coordinator.trials().find((t) => t.trialId === name && t.state === 'failed'),
      10_000,
    );
    const info = await (await fetch(`${f.coordinator.url}/api/trials/${name}`)).text();
    expect(info).not.toContain('SECRET');
  }
});
