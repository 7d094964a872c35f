/**
 * Fault: a client without credentials, or with a key the lab never issued, tries the lab's
 * NATS server; an observer tries to write. The server refuses all three.
 */
import { connect, nkeyAuthenticator, nkeys } from '@nats-io/transport-node';
import { nodeLifecycleSubject, RECORD_SUBJECT } from '@semaigc/protocol';
import { until } from '../../apps/coordinator/test/helpers';
import { type AuthLab, permissionErrors, startAuthLab } from './auth-lab';

jest.setTimeout(30_000);

let lab: AuthLab;
// Generous: the first run transpiles the coordinator's sources.
beforeAll(async () => {
  lab = await startAuthLab();
}, 180_000);
afterAll(async () => {
  await lab?.close();
});

test('an anonymous client is refused', async () => {
  await expect(connect({ servers: lab.nats.url, reconnect: false })).rejects.toThrow(/Authorization/i);
});

test('a client with an nkey the lab never issued is refused', async () => {
  const stranger = nkeys.createUser().getSeed();
  await expect(
    connect({ servers: lab.nats.url, reconnect: false, authenticator: nkeyAuthenticator(stranger) }),
  ).rejects.toThrow(/Authorization/i);
});

test('the observer reads the protocol subjects but cannot publish a record or a hello', async () => {
  const obs = await lab.client('observer');
  const errors = permissionErrors(obs);
  obs.publish(RECORD_SUBJECT, new Uint8Array([1, 2, 3]));
  obs.publish(nodeLifecycleSubject('obs-1', 'hello'), new Uint8Array([1, 2, 3]));
  await obs.flush();
  await until(() => errors.list.length >= 2, 'two permission errors', 5000);
  expect(errors.list.join('\n')).toMatch(/Permissions Violation for Publish to "semaigc\.v1\.record"/);
  expect(errors.list.join('\n')).toMatch(
    /Permissions Violation for Publish to "semaigc\.v1\.node\.obs-1\.hello"/,
  );
  // Nothing reached the coordinator: no drop, no node.
  expect(lab.coord.metrics.received.nats).toBe(0);
  expect(lab.coord.registry.list()).toEqual([]);
});
