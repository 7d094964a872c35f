/**
 * Role credentials against a real nats-server: the config `createCredentials` writes admits
 * each role's seed file and nobody else, and each role may publish only its own subjects.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  EDGE_REQUEST_SUBJECT,
  HELLO_SUBJECT,
  nodeControlSubject,
  PREVIEW_SUBJECT,
  RECORD_SUBJECT,
} from '@semaigc/protocol';
import { createCredentials, type CredentialSet, type NatsRole, readNatsCreds } from '../src/nats-auth';
import { type NatsServer, startNatsServer } from '../src/nats-server';

jest.setTimeout(60_000);

let dir: string;
let creds: CredentialSet;
let nats: NatsServer;
const clients: NatsConnection[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-creds-test-'));
  creds = createCredentials(path.join(dir, 'creds'));
  nats = await startNatsServer({ jetstream: false, args: ['-c', creds.serverConfig] });
});

afterAll(async () => {
  for (const nc of clients) await nc.close().catch(() => undefined);
  await nats?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function as(role: NatsRole): Promise<NatsConnection> {
  const nc = await connect({
    servers: nats.url,
    reconnect: false,
    authenticator: readNatsCreds(creds.files[role]),
  });
  clients.push(nc);
  return nc;
}

/** Publishes to `subject` and reports whether the server refused it (a permission error). */
async function refused(nc: NatsConnection, subject: string): Promise<boolean> {
  const errors: string[] = [];
  // Ends when the connection closes (afterAll).
  void (async () => {
    for await (const s of nc.status())
      if (s.type === 'error') errors.push(String((s as { error?: unknown }).error));
  })();
  nc.publish(subject, new Uint8Array([1]));
  // The server reports a violation before it answers the flush's PING with PONG.
  await nc.flush();
  await nc.flush();
  return errors.some((e) => e.includes(subject));
}

test('files are private and hold no secret in the server config', () => {
  for (const f of [...Object.values(creds.files), creds.serverConfig])
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
  const conf = fs.readFileSync(creds.serverConfig, 'utf8');
  for (const f of Object.values(creds.files)) expect(conf).not.toContain(fs.readFileSync(f, 'utf8').trim());
  expect(() => createCredentials(path.join(dir, 'creds'))).toThrow(/exist already/);
});

test('an anonymous client is refused', async () => {
  await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(/Authorization/i);
});

test.each<[NatsRole, string, boolean]>([
  ['edge', nodeControlSubject('rx-1'), true],
  ['edge', EDGE_REQUEST_SUBJECT, true],
  ['edge', RECORD_SUBJECT, true],
  ['edge', HELLO_SUBJECT, false],
  ['receiver', nodeControlSubject('edge-1'), true],
  ['receiver', RECORD_SUBJECT, false],
  ['receiver', PREVIEW_SUBJECT, false],
  ['observer', RECORD_SUBJECT, true],
  ['observer', HELLO_SUBJECT, true],
  ['coordinator', nodeControlSubject('rx-1'), false],
  // JetStream: a receiver stores a record by publishing it (above); the API (streams,
  // consumers, the trial-state bucket) is the coordinator's alone.
  ['receiver', '$JS.API.STREAM.INFO.SEMAIGC_V1_RECORDS', true],
  ['receiver', '$JS.API.CONSUMER.MSG.NEXT.SEMAIGC_V1_RECORDS.coordinator-x', true],
  ['receiver', '$KV.semaigc-trials-x.trial.t-1', true],
  ['edge', '$JS.API.STREAM.INFO.SEMAIGC_V1_RECORDS', true],
  ['observer', '$JS.API.STREAM.INFO.SEMAIGC_V1_RECORDS', true],
  ['coordinator', '$JS.API.STREAM.INFO.SEMAIGC_V1_RECORDS', false],
  ['coordinator', '$KV.semaigc-trials-x.trial.t-1', false],
])('%s publishing %s refused: %s', async (role, subject, want) => {
  expect(await refused(await as(role), subject)).toBe(want);
});
