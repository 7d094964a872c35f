/**
 * Credentials against a real nats-server: the config `createCredentials` writes admits the
 * coordinator's, the observer's and each node's seed file and nobody else; each may publish
 * only its role's subjects, and a node only its own ids' lifecycle subjects (a node cannot
 * say hello or bye as another). Nodes added later (`addNodeCredentials`) are admitted after
 * a server reload.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  EDGE_REQUEST_SUBJECT,
  nodeControlSubject,
  nodeLifecycleSubject,
  PREVIEW_SUBJECT,
  receiverLatentSubject,
  RECORD_SUBJECT,
} from '@semaigc/protocol';
import {
  addNodeCredentials,
  createCredentials,
  type CredentialSet,
  type NatsRole,
  nodeCredsFile,
  readCredentialSet,
  readNatsCreds,
} from '../src/nats-auth';
import { type NatsServer, startNatsServer } from '../src/nats-server';

jest.setTimeout(60_000);

let dir: string;
let creds: CredentialSet;
let nats: NatsServer;
const clients: NatsConnection[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-creds-test-'));
  creds = createCredentials(path.join(dir, 'creds'), {
    nodes: [
      { role: 'edge', ids: ['edge-1'] },
      // One receiver process with two ids (`semaigc receiver --count 2`).
      { role: 'receiver', ids: ['rx-1', 'rx-2'] },
    ],
  });
  nats = await startNatsServer({ jetstream: false, args: ['-c', creds.serverConfig] });
});

afterAll(async () => {
  for (const nc of clients) await nc.close().catch(() => undefined);
  await nats?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The edge is edge-1's credentials, the receiver rx-1/rx-2's. */
function fileOf(role: NatsRole): string {
  if (role === 'edge') return nodeCredsFile(creds, 'edge-1');
  if (role === 'receiver') return nodeCredsFile(creds, 'rx-1');
  return creds.files[role];
}

async function connectWith(file: string): Promise<NatsConnection> {
  const nc = await connect({ servers: nats.url, reconnect: false, authenticator: readNatsCreds(file) });
  clients.push(nc);
  return nc;
}

const as = (role: NatsRole): Promise<NatsConnection> => connectWith(fileOf(role));

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
  const seeds = [...Object.values(creds.files), ...creds.nodes.map((n) => n.file)];
  expect(seeds).toHaveLength(4);
  for (const f of [...seeds, creds.serverConfig]) expect(fs.statSync(f).mode & 0o777).toBe(0o600);
  const conf = fs.readFileSync(creds.serverConfig, 'utf8');
  const ids = fs.readFileSync(path.join(creds.dir, 'identities.json'), 'utf8');
  for (const f of seeds) {
    expect(conf).not.toContain(fs.readFileSync(f, 'utf8').trim());
    expect(ids).not.toContain(fs.readFileSync(f, 'utf8').trim());
  }
  expect(() => createCredentials(path.join(dir, 'creds'))).toThrow(/exist already/);
  expect(readCredentialSet(creds.dir)).toEqual(creds);
  expect(() => nodeCredsFile(creds, 'edge-9')).toThrow(/no node credentials for id 'edge-9'.*creds add/);
});

test('credentials from before per-node identities are named as such', () => {
  const old = path.join(dir, 'old-creds');
  fs.mkdirSync(old);
  for (const f of ['coordinator.nk', 'edge.nk', 'receiver.nk', 'observer.nk', 'nats-server.conf'])
    fs.writeFileSync(path.join(old, f), '');
  expect(() => readCredentialSet(old)).toThrow(/older 'semaigc creds init'.*creds init <dir> --edge/);
});

test('an anonymous client is refused', async () => {
  await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(/Authorization/i);
});

test.each<[NatsRole, string, boolean]>([
  ['edge', nodeControlSubject('rx-1'), true],
  ['edge', EDGE_REQUEST_SUBJECT, true],
  ['edge', RECORD_SUBJECT, true],
  ['edge', nodeLifecycleSubject('edge-1', 'hello'), false],
  ['edge', nodeLifecycleSubject('edge-1', 'bye'), false],
  // A node says hello, beats or bye only as itself.
  ['edge', nodeLifecycleSubject('edge-2', 'bye'), true],
  ['edge', nodeLifecycleSubject('rx-1', 'bye'), true],
  ['edge', nodeLifecycleSubject('rx-1', 'hello'), true],
  ['receiver', nodeLifecycleSubject('rx-2', 'heartbeat'), false],
  ['receiver', nodeLifecycleSubject('edge-1', 'heartbeat'), true],
  ['receiver', nodeLifecycleSubject('rx-3', 'hello'), true],
  ['receiver', nodeControlSubject('edge-1'), true],
  ['receiver', RECORD_SUBJECT, false],
  ['receiver', PREVIEW_SUBJECT, false],
  ['observer', RECORD_SUBJECT, true],
  ['observer', nodeLifecycleSubject('rx-1', 'hello'), true],
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

/** Subscribes to `subject` and reports whether the server refused it (a permission error). */
async function subscribeRefused(nc: NatsConnection, subject: string): Promise<boolean> {
  const errors: string[] = [];
  void (async () => {
    for await (const s of nc.status())
      if (s.type === 'error') errors.push(String((s as { error?: unknown }).error));
  })();
  const sub = nc.subscribe(subject, { callback: () => undefined });
  await nc.flush();
  await nc.flush();
  sub.unsubscribe();
  return errors.some((e) => e.includes(subject));
}

test.each<[NatsRole, string, boolean]>([
  ['receiver', receiverLatentSubject('rx-2'), false],
  ['receiver', receiverLatentSubject('rx-9'), true],
  ['receiver', nodeControlSubject('rx-1'), false],
  ['receiver', nodeControlSubject('edge-1'), true],
  ['edge', nodeControlSubject('rx-1'), true],
  ['edge', EDGE_REQUEST_SUBJECT, false],
])('%s subscribing to %s refused: %s', async (role, subject, want) => {
  expect(await subscribeRefused(await as(role), subject)).toBe(want);
});

test('a node added later is admitted after a reload, with its own ids only; a held id is refused', async () => {
  const stranger = path.join(dir, 'creds', 'nodes', 'edge-3.nk');
  expect(() => addNodeCredentials(creds.dir, { role: 'edge', ids: ['edge-1'], name: 'again' })).toThrow(
    /node id 'edge-1' is held already/,
  );
  const added = addNodeCredentials(creds.dir, { role: 'edge', ids: ['edge-3'] });
  expect(added).toEqual({ name: 'edge-3', role: 'edge', ids: ['edge-3'], file: stranger });
  await nats.reload();
  const nc = await connectWith(added.file);
  expect(await refused(nc, nodeLifecycleSubject('edge-3', 'hello'))).toBe(false);
  expect(await refused(nc, nodeLifecycleSubject('edge-1', 'bye'))).toBe(true);
  // The first identities still work after the reload.
  expect(await refused(await as('edge'), nodeLifecycleSubject('edge-1', 'heartbeat'))).toBe(false);
});
