/**
 * Fault: a client without credentials, or with a key the lab never issued, tries the lab's
 * NATS server; an observer tries to write (scenarios/anonymous.ts). The server refuses all
 * of them and nothing reaches the coordinator.
 */
import { type AuthLab, startAuthLab } from './auth-lab';
import { anonymousNats } from './scenarios/anonymous';

let lab: AuthLab;
// Generous: the first run transpiles the coordinator's sources.
beforeAll(async () => {
  lab = await startAuthLab();
}, 180_000);
afterAll(async () => {
  await lab?.close();
});

test('anonymous clients, a stranger key and an observer writing are refused; nothing reaches the coordinator', async () => {
  const m = await anonymousNats(lab);
  expect(m.probes.map((p) => p.what)).toEqual([
    'connect without credentials',
    'connect with an nkey the lab never issued',
    'observer publishes to semaigc.v1.record',
    'observer publishes to semaigc.v1.node.obs-1.hello',
  ]);
  for (const p of m.probes) expect(p).toMatchObject({ refused: true });
  expect(m.probes[0]!.got).toMatch(/Authorization/i);
  expect(m.probes[2]!.got).toMatch(/Permissions Violation for Publish to "semaigc\.v1\.record"/);
  expect(m.leaked).toBe(0);
}, 30_000);
