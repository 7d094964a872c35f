/**
 * Fault: a browser receiver's record (socket.io) and a coordinator SIGKILLed the moment that
 * record is on the broker. The coordinator stores a browser's record in the JetStream records
 * stream the way a headless receiver publishes its own (message id trial/request/attempt/
 * receiver), so the record is kept by the server, not by the process: after a restart on
 * the same runs folder and nats-server the trial ends `aborted: coordinator restarted` with
 * that record written once, as the browser sent it, and a re-sent copy of it was dropped by
 * the server as a duplicate.
 *
 * Real processes and parts: nats-server with JetStream and credentials, `semaigc coordinator`
 * (killed and started again), a socket.io client as the phone (the receiver page's protocol,
 * with the join code), the coordinator tests' protocol stand-in as the edge (node
 * credentials), an observer on NATS. Needs `npm run build` (the CLI's dist).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  createCredentials,
  freePort,
  nodeCredsFile,
  readNatsCreds,
  startNatsServer,
  type NatsServer,
} from '@semaigc/node-kit';
import {
  decode,
  encode,
  parseRecord,
  RECORD_SUBJECT,
  recordMsgId,
  RECORDS_STREAM,
  type RecordMessage,
} from '@semaigc/protocol';
import { caps, recordFor, TestEdge } from '../../apps/coordinator/test/helpers';
import { type SocketPhone, socketPhone } from '../../apps/coordinator/test/socket-phone';
import {
  browserTrial,
  type CoordinatorProcess,
  coordinatorProcess,
  ended,
  postTrialTo,
  started,
  trialInfoWhenEnded,
} from './coordinator-process';
import { waitFor } from './helpers';

const TRIAL = 'browser-restart-1';
const children: CoordinatorProcess[] = [];
let dir: string;
let nats: NatsServer;
let observer: NatsConnection | null = null;
let admin: NatsConnection | null = null;
let edge: TestEdge | null = null;
let phone: SocketPhone | null = null;

afterAll(async () => {
  phone?.close();
  await edge?.close().catch(() => undefined);
  for (const c of children) c.child.kill('SIGKILL');
  await observer?.close().catch(() => undefined);
  await admin?.close().catch(() => undefined);
  await nats?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

test("a browser's record stored in JetStream survives a coordinator SIGKILL: written once after the restart", async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-fault-browser-'));
  const creds = createCredentials(path.join(dir, 'creds'), { nodes: [{ role: 'edge', ids: ['edge-1'] }] });
  nats = await startNatsServer({ jetstream: true, args: ['-c', creds.serverConfig] });
  const runs = path.join(dir, 'runs');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const token = randomBytes(16).toString('hex');
  const args = ['--nats', nats.url, '--creds', creds.files.coordinator, '--port', String(port)];
  const auth = { authorization: `Bearer ${token}` };
  let coordinator = coordinatorProcess([...args, '--runs', runs, '--token', token]);
  children.push(coordinator);
  await started(coordinator);

  edge = await new TestEdge('edge-1').start(nats.url, readNatsCreds(nodeCredsFile(creds, 'edge-1')));
  const { code } = (await (await fetch(`${base}/api/join`, { headers: auth })).json()) as { code: string };
  const phoneCaps = caps({ runtime: { kind: 'browser', version: 'Chromium' }, backend: 'wasm' });
  phone = await socketPhone(base, {
    nodeId: 'web-1',
    join: code,
    capabilities: phoneCaps,
    beatMs: 200,
    reconnection: false,
  });
  expect(phone.welcome.type).toBe('welcome');
  const socket = phone.socket;

  // The observer kills the coordinator the moment the phone's record is on the broker (the
  // coordinator's JetStream publish of it), racing its own write of the record.
  observer = await connect({ servers: nats.url, authenticator: readNatsCreds(creds.files.observer) });
  let stored: RecordMessage | null = null;
  observer.subscribe(RECORD_SUBJECT, {
    callback: (_e, m) => {
      const r = decode(m.data);
      if (r.type !== 'record' || r.trialId !== TRIAL || stored) return;
      coordinator.child.kill('SIGKILL');
      stored = r;
    },
  });
  await observer.flush();
  let sent: Uint8Array | null = null;
  socket.on('latent', (b: ArrayBuffer) => {
    const msg = decode(b);
    if (msg.type !== 'latent' || sent) return;
    sent = encode(recordFor(msg.request, 'web-1', phoneCaps, msg.edgeId, 0.8));
    socket.emit('record', sent);
  });

  const posted = await postTrialTo(base, token, browserTrial(TRIAL, 'web-1', 3, 30));
  expect(posted.status).toBe(202);
  await waitFor(() => stored, 60_000);
  await waitFor(() => ended(coordinator), 10_000);
  phone.close();

  // The server has the record under the id a headless receiver would give it; the same
  // record sent again (a page that re-sends) is dropped by the server as a duplicate.
  admin = await connect({ servers: nats.url, authenticator: readNatsCreds(creds.files.coordinator) });
  const js = jetstream(admin);
  const jsm = await jetstreamManager(admin);
  const kept = await jsm.streams.getMessage(RECORDS_STREAM, { last_by_subj: RECORD_SUBJECT });
  expect(kept?.header?.get('Nats-Msg-Id')).toBe(recordMsgId(stored!));
  const again = await js.publish(RECORD_SUBJECT, sent!, { msgID: recordMsgId(stored!) });
  expect(again.duplicate).toBe(true);

  coordinator = coordinatorProcess([...args, '--runs', runs, '--token', token]);
  children.push(coordinator);
  await started(coordinator);
  const info = await trialInfoWhenEnded(base, TRIAL);
  expect(info).toMatchObject({
    state: 'aborted',
    summary: { status: 'aborted', reason: 'coordinator restarted' },
  });

  const lines = fs
    .readFileSync(path.join(runs, TRIAL, 'records.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => parseRecord(JSON.parse(l)));
  const mine = lines.filter((r) => r.requestId === stored!.requestId);
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ failed: false, receiverId: 'web-1', attempt: stored!.attempt });
  expect(mine[0]!.receiver.runtime.kind).toBe('browser');
  expect(mine[0]!.quality.consistency).toBe(0.8);
  // One record per request sent (the closed loop sent one more at most), none twice.
  expect(new Set(lines.map((r) => r.requestId)).size).toBe(lines.length);
}, 300_000);
