/**
 * Records through JetStream with the receiver role's credentials, on a real nats-server:
 * stored once however often they are sent (message id trial/request/attempt/receiver), a
 * record of another receiver id is not taken for a duplicate, and with no stream on the
 * subject the record still goes as a plain message. The receiver role has no `$JS.API`
 * access (nats-auth.test.ts checks the permissions table).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  encode,
  failedRecord,
  PLAIN_RECORD_ACK_STREAM,
  RECORD_SUBJECT,
  type RecordMessage,
  RECORDS_STREAM,
} from '@semaigc/protocol';
import pino from 'pino';
import {
  createCredentials,
  type CredentialSet,
  type NatsRole,
  nodeCredsFile,
  readNatsCreds,
} from '../src/nats-auth';
import { type NatsServer, startNatsServer } from '../src/nats-server';
import { RecordPublisher, recordMsgId } from '../src/record-publisher';

jest.setTimeout(60_000);

const STREAM = RECORDS_STREAM;
let dir: string;
let creds: CredentialSet;
let nats: NatsServer;
const clients: NatsConnection[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-recpub-test-'));
  creds = createCredentials(path.join(dir, 'creds'), { nodes: [{ role: 'receiver', ids: ['rx-1'] }] });
  nats = await startNatsServer({ jetstream: true, args: ['-c', creds.serverConfig] });
});

afterAll(async () => {
  for (const nc of clients) await nc.close().catch(() => undefined);
  await nats?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The receiver is rx-1's credentials. */
async function as(role: Exclude<NatsRole, 'edge'>): Promise<NatsConnection> {
  const file = role === 'receiver' ? nodeCredsFile(creds, 'rx-1') : creds.files[role];
  const nc = await connect({ servers: nats.url, authenticator: readNatsCreds(file) });
  clients.push(nc);
  return nc;
}

/** A record as a receiver sends it (built with the protocol's failed-record builder: short). */
function record(requestId: string, receiverId = 'rx-1'): RecordMessage {
  return failedRecord({
    request: {
      trialId: 't-1',
      requestId,
      receiverId,
      prompt: 'a red circle',
      seed: 1,
      totalSteps: 4,
      edgeSteps: 0,
      deliver: 'latent',
      policy: 'local-only',
      checkpointId: null,
      receiverVariant: null,
      latency: { minS: 1, maxS: 10, failureS: 60 },
      channel: { mode: 'ideal', snrDb: 10 },
      attempt: 0,
    },
    edgeId: null,
    coordinatorId: null,
    receiver: {
      runtime: { kind: 'node', version: process.version },
      backend: 'cpu',
      stepMs: 5,
      computeShare: 1,
      profile: { userAgent: null, platform: 'linux', cores: 2, memoryGiB: 1, backend: 'cpu' },
      maxConcurrent: 1,
      bundleId: null,
    },
    edge: null,
    code: 'MODEL_ERROR',
    reason: 'test',
    retries: 0,
    payloadBytes: 0,
    startedAt: 1,
    completedAt: 2,
  });
}

/** A logger whose lines are kept. */
function captured(): { logger: pino.Logger; lines: { msg: string; level: number }[] } {
  const lines: { msg: string; level: number }[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string; level: number }) },
  );
  return { logger, lines };
}

test('without a stream, a record nobody listens to goes as a plain message, with one warning', async () => {
  const log = captured();
  const pub = new RecordPublisher(await as('receiver'), log.logger);
  pub.publish(encode(record('t-1-r0')));
  pub.publish(encode(record('t-1-r1')));
  await pub.flush();
  expect(log.lines.filter((l) => /no JetStream stream takes records/.test(l.msg))).toHaveLength(1);
  expect(log.lines.filter((l) => /could not be|retrying/.test(l.msg))).toEqual([]);
});

test('without a stream, a record a coordinator answers as taken (not stored) is not re-sent', async () => {
  const coordinator = await as('coordinator');
  const seen: string[] = [];
  const sub = coordinator.subscribe(RECORD_SUBJECT, {
    callback: (_e, m) => {
      seen.push(m.subject);
      m.respond(JSON.stringify({ stream: PLAIN_RECORD_ACK_STREAM, seq: 0 }));
    },
  });
  await coordinator.flush();
  const log = captured();
  const pub = new RecordPublisher(await as('receiver'), log.logger);
  pub.publish(encode(record('t-1-r0')));
  pub.publish(encode(record('t-1-r1')));
  await pub.flush();
  sub.unsubscribe();
  expect(seen).toHaveLength(2);
  expect(log.lines.filter((l) => /no JetStream stream takes records/.test(l.msg))).toHaveLength(1);
  expect(log.lines.filter((l) => /could not be|retrying/.test(l.msg))).toEqual([]);
});

test('with the stream, a record sent three times is stored once, under its message id', async () => {
  const jsm = await jetstreamManager(await as('coordinator'));
  await jsm.streams.add({ name: STREAM, subjects: [RECORD_SUBJECT], duplicate_window: 60e9 });
  const log = captured();
  const pub = new RecordPublisher(await as('receiver'), log.logger);
  const r = record('t-1-r2');
  for (let i = 0; i < 3; i++) pub.publish(encode(r));
  // Same trial, request and attempt from another receiver id: a different record to the
  // server (the coordinator refuses it as not due), so it cannot shadow the genuine one.
  pub.publish(encode(record('t-1-r2', 'mallory')));
  await pub.flush();
  const info = await jsm.streams.info(STREAM);
  expect(info.state.messages).toBe(2);
  const stored = await jsm.streams.getMessage(STREAM, { seq: info.state.first_seq });
  expect(stored?.header.get('Nats-Msg-Id')).toBe(recordMsgId(r));
  expect(recordMsgId(r)).toBe('t-1/t-1-r2/0/rx-1');
  expect(log.lines.filter((l) => /duplicate/.test(l.msg))).toHaveLength(2);
  expect(log.lines.filter((l) => l.level >= 40)).toEqual([]);
});
