/**
 * The page's session transport in Node: `NodeSession` over `SocketTransport`
 * (src/connection.ts, socket.io-client) against the stand-in coordinator (a real socket.io
 * server on port 0 answering hello like the coordinator's socket hub). Reconnects, refusals,
 * the outbox and control events, without a browser or a model.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode, makeMessage, type Message } from '@semaigc/protocol';
import { NodeSession, type LinkState } from '@semaigc/session';
import { SocketTransport, type JobEvent } from '../src/connection';
import { StandInCoordinator } from './helpers/stand-in-coordinator';

const JOIN = 'JOIN-OK';
const WAIT_MS = 10_000;

let server: http.Server;
let coord: StandInCoordinator;
let url: string;
const sessions: NodeSession[] = [];

beforeAll(async () => {
  server = http.createServer();
  coord = new StandInCoordinator(server, JOIN, 100);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sessions) await s.close();
  await coord.close();
  await new Promise((r) => server.close(r));
});

jest.setTimeout(30_000);

// One page per test: close it afterwards so its heartbeats do not reach the next test.
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  for (const t of ['hello', 'heartbeat', 'bye', 'record', 'preview', 'error'] as const) coord.discard(t);
});

async function until(what: string, pred: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let n = 0;
function page(joinCode: string | null = JOIN) {
  const nodeId = `web-test${n++}`;
  const states: [LinkState, string][] = [];
  const messages: Message[] = [];
  const bad: string[] = [];
  const jobs: [JobEvent, number][] = [];
  const transport = new SocketTransport({
    url,
    path: '/socket.io/',
    joinCode,
    nodeId,
    onJob: (event, bytes) => jobs.push([event, bytes.byteLength]),
  });
  const session = new NodeSession({
    transport,
    nodeId,
    role: 'receiver',
    name: 'node test page',
    capabilities: () => ({
      runtime: { kind: 'browser', version: 'Test 1' },
      backend: 'wasm',
      stepMs: 30,
      computeShare: 1,
      profile: {
        userAgent: 'test',
        platform: 'test',
        cores: 2,
        memoryGiB: null,
        gpu: null,
        backend: 'wasm',
      },
      maxConcurrent: 1,
      bundleId: 'test-bundle',
    }),
    load: () => ({ inFlight: 0, queued: 0, stepMs: 30 }),
    onState: (state, detail) => states.push([state, detail]),
    onMessage: (m) => messages.push(m),
    onBadMessage: (source) => bad.push(source),
  });
  sessions.push(session);
  const seen = (state: LinkState): number => states.filter(([s]) => s === state).length;
  return { nodeId, transport, session, states, messages, bad, jobs, seen };
}

const errorReport = (nodeId: string, reason: string) =>
  makeMessage('error', { code: 'TIMEOUT', reason, nodeId });

test('a wrong join code is refused in the hello ack; rejoin with the right one is welcomed', async () => {
  const p = page('WRONG');
  p.session.start();
  await until('refusal', () => p.session.state === 'refused');
  expect(coord.refused).toContain(p.nodeId);
  expect(p.states.at(-1)![1]).toMatch(/^hello refused: BAD_MESSAGE: join code missing or wrong/);
  p.transport.rejoin(JOIN);
  const hello = await coord.take('hello', WAIT_MS);
  expect(hello).toMatchObject({ nodeId: p.nodeId, role: 'receiver', name: 'node test page' });
  await until('welcome', () => p.session.welcomed);
  expect(p.states.at(-1)).toEqual(['welcomed', 'joined coordinator coord-test']);
});

test('reports wait in the outbox until welcomed, then go out in order; heartbeats follow', async () => {
  const p = page();
  p.session.send(errorReport(p.nodeId, 'first'));
  p.session.send(errorReport(p.nodeId, 'second'));
  expect(p.session.pending).toBe(2);
  p.session.start();
  await coord.take('hello', WAIT_MS);
  const first = await coord.take('error', WAIT_MS);
  const second = await coord.take('error', WAIT_MS);
  expect([first.reason, second.reason]).toEqual(['first', 'second']);
  expect(p.session.pending).toBe(0);
  const b0 = await coord.take('heartbeat', WAIT_MS);
  const b1 = await coord.take('heartbeat', WAIT_MS);
  expect([b0.nodeId, b1.seq - b0.seq]).toEqual([p.nodeId, 1]);
});

test('a dropped connection: disconnected, reconnect, hello again; a report from the gap arrives after it', async () => {
  const p = page();
  p.session.start();
  await coord.take('hello', WAIT_MS);
  await until('welcome', () => p.session.welcomed);
  // Drop the engine.io connection under socket.io: the client sees "transport close" and reconnects.
  coord.socket!.conn.close();
  await until('disconnected', () => p.seen('disconnected') === 1);
  expect(p.session.welcomed).toBe(false);
  p.session.send(errorReport(p.nodeId, 'from the gap'));
  const again = await coord.take('hello', WAIT_MS);
  expect(again.nodeId).toBe(p.nodeId);
  expect((await coord.take('error', WAIT_MS)).reason).toBe('from the gap');
  await until('welcomed twice', () => p.seen('welcomed') === 2);
});

test('a report the coordinator never acknowledged is sent again after the next welcome; an acknowledged one is not', async () => {
  const p = page();
  p.session.start();
  await coord.take('hello', WAIT_MS);
  await until('welcome', () => p.session.welcomed);
  p.session.send(errorReport(p.nodeId, 'acknowledged'));
  expect((await coord.take('error', WAIT_MS)).reason).toBe('acknowledged');
  await until('the ack', () => p.transport.unacked.size === 0);
  // A coordinator that dies with the report read but not taken: no ack comes.
  coord.ackReports = false;
  p.session.send(errorReport(p.nodeId, 'never acknowledged'));
  expect((await coord.take('error', WAIT_MS)).reason).toBe('never acknowledged');
  expect(p.transport.unacked.size).toBe(1);
  coord.ackReports = true;
  coord.socket!.conn.close();
  await coord.take('hello', WAIT_MS);
  // Sent again after the welcome, and only it (the acknowledged one would come first).
  expect((await coord.take('error', WAIT_MS)).reason).toBe('never acknowledged');
  await until('the ack of the re-send', () => p.transport.unacked.size === 0);
});

test('control events reach the owner, bad ones are dropped by name, job events go to the runner', async () => {
  const p = page();
  p.session.start();
  await coord.take('hello', WAIT_MS);
  await until('welcome', () => p.session.welcomed);
  const assign = makeMessage('trial.assign', {
    trialId: 'trial-x',
    receiverId: p.nodeId,
    computeShare: 0.5,
    assignedAt: Date.now(),
  });
  coord.socket!.emit('trial.assign', encode(assign));
  coord.socket!.emit('trial.start', new Uint8Array([0xc1]));
  coord.send('latent', new Uint8Array([1, 2, 3]));
  await until(
    'the assignment, the bad event and the job',
    () => p.messages.length === 1 && p.bad.length === 1 && p.jobs.length === 1,
  );
  expect(p.messages[0]).toMatchObject({ type: 'trial.assign', trialId: 'trial-x', computeShare: 0.5 });
  expect(p.bad).toEqual(['trial.start']);
  expect(p.jobs).toEqual([['latent', 3]]);
});

test('close says bye and disconnects; start again (back from the bfcache) says hello again', async () => {
  const p = page();
  p.session.start();
  await coord.take('hello', WAIT_MS);
  await until('welcome', () => p.session.welcomed);
  await p.session.close('page closed');
  const bye = await coord.take('bye', WAIT_MS);
  expect(bye).toMatchObject({ nodeId: p.nodeId, role: 'receiver', reason: 'page closed' });
  expect(p.transport.connected).toBe(false);
  expect(p.session.state).toBe('closed');
  p.session.start();
  expect((await coord.take('hello', WAIT_MS)).nodeId).toBe(p.nodeId);
  await until('welcome again', () => p.session.welcomed);
});

test('a handshake the server refuses: refused, and socket.io does not retry', async () => {
  coord.io.use((socket, next) => {
    const auth = socket.handshake.auth as { join?: unknown };
    next(auth.join === 'BLOCKED' ? new Error('join code blocked') : undefined);
  });
  const p = page('BLOCKED');
  p.session.start();
  await until('refusal', () => p.session.state === 'refused');
  expect(p.states.at(-1)).toEqual(['refused', 'the coordinator refused the connection: join code blocked']);
  expect(p.transport.connected).toBe(false);
});
