/**
 * Node lifecycle (hello, heartbeat, offline, reconnect) over NATS and socket.io, and bad
 * messages from nodes: dropped, logged with the node's id, counted — while the
 * coordinator keeps answering everyone else.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  decode,
  encode,
  nodeLifecycleSubject,
  makeMessage,
  nodeControlSubject,
  PROTOCOL_VERSION,
  RECORD_SUBJECT,
} from '@semaigc/protocol';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import { io as ioClient, type Socket } from 'socket.io-client';
import { type CoordinatorHandle, NodeRegistry, startCoordinator } from '../src';
import { captureLogger, caps, TestReceiver, until } from './helpers';

let nats: NatsServer;
let coord: CoordinatorHandle;
let nc: NatsConnection;
let tmp: string;
const log = captureLogger();
const sockets: Socket[] = [];

function helloBytes(nodeId: string, role: 'edge' | 'receiver' = 'receiver'): Uint8Array {
  return encode(
    makeMessage('hello', { nodeId, role, name: nodeId, capabilities: caps(), sentAt: Date.now() }),
  );
}

/** The same hello as a peer of protocol v(N+1) would send it: map header, "v" (a1 76), then the version. */
function wrongVersionHello(nodeId: string): Uint8Array {
  const bytes = helloBytes(nodeId).slice();
  const at = bytes.findIndex((b, i) => b === 0xa1 && bytes[i + 1] === 0x76) + 2;
  expect(at).toBeLessThanOrEqual(5 + 2); // right after the map header: v is the first key
  expect(bytes[at]).toBe(PROTOCOL_VERSION);
  bytes[at] = PROTOCOL_VERSION + 1;
  return bytes;
}

function dropLogs(nodeId: string) {
  return log.lines.filter((l) => l.msg === 'dropped message from node' && l.nodeId === nodeId);
}

/** A socket.io client; receivers pass the join code, dashboards the API token. */
async function socket(auth: Record<string, string> = { join: coord.joinCode }): Promise<Socket> {
  const s = ioClient(coord.url, { transports: ['websocket'], forceNew: true, auth });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

function emitHello(s: Socket, bytes: Uint8Array) {
  return new Promise<ReturnType<typeof decode>>((resolve) =>
    s.emit('hello', bytes, (reply: ArrayBuffer) => resolve(decode(reply))),
  );
}

beforeAll(async () => {
  nats = await startNatsServer({ jetstream: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-coord-nodes-'));
  coord = await startCoordinator({
    natsUrl: nats.url,
    runsDir: tmp,
    logger: log.logger,
    heartbeatIntervalMs: 150,
    nodeTimeoutMs: 450,
    dashboardRoot: path.join(tmp, 'none'),
  });
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await nc?.drain();
  await coord?.close();
  await nats?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('NodeRegistry (clock injected)', () => {
  test('offline after nodeTimeoutMs of silence; a re-hello keeps identity and trial', () => {
    let now = 1000;
    const reg = new NodeRegistry({ heartbeatIntervalMs: 100, nodeTimeoutMs: 300, now: () => now });
    const events: string[] = [];
    reg.on('online', (n, i) => events.push(`online ${n.nodeId} ${i.reconnect}`));
    reg.on('offline', (n) => events.push(`offline ${n.nodeId}`));
    const hello = decode(helloBytes('rx-9'));
    if (hello.type !== 'hello') throw new Error('hello');
    reg.hello(hello, { kind: 'nats' });
    reg.get('rx-9')!.trialId = 'trial-x';
    now += 250;
    expect(reg.sweep()).toEqual([]);
    now += 100;
    expect(reg.sweep()).toEqual(['rx-9']);
    expect(reg.get('rx-9')!.status).toBe('offline');
    now += 1000;
    reg.hello(hello, { kind: 'socket', socketId: 's1' });
    const n = reg.get('rx-9')!;
    expect([n.status, n.trialId, n.firstSeenAt, n.hellos, n.transport.kind]).toEqual([
      'online',
      'trial-x',
      1000,
      2,
      'socket',
    ]);
    expect(events).toEqual(['online rx-9 false', 'offline rx-9', 'online rx-9 true']);
  });

  test('sequence gaps count as missed beats; a beat from an unknown node is refused', () => {
    const reg = new NodeRegistry({ heartbeatIntervalMs: 100, nodeTimeoutMs: 300 });
    const hello = decode(helloBytes('e-1', 'edge'));
    if (hello.type !== 'hello') throw new Error('hello');
    reg.hello(hello, { kind: 'nats' });
    const beat = (nodeId: string, seq: number) =>
      makeMessage('heartbeat', {
        nodeId,
        role: 'edge',
        seq,
        sentAt: Date.now(),
        inFlight: 1,
        queued: 2,
        stepMs: 7,
      }) as never;
    reg.heartbeat(beat('e-1', 0));
    reg.heartbeat(beat('e-1', 3));
    expect(reg.get('e-1')).toMatchObject({
      beats: 2,
      missedBeats: 2,
      reportedQueued: 2,
      capabilities: { stepMs: 7 },
    });
    expect(reg.heartbeat(beat('ghost', 0))).toBeNull();
  });

  test('offline events say whether the node said bye or fell silent', () => {
    let now = 1000;
    const reg = new NodeRegistry({ heartbeatIntervalMs: 100, nodeTimeoutMs: 300, now: () => now });
    const seen: [string, string, boolean][] = [];
    reg.on('offline', (n, reason, { bye }) => seen.push([n.nodeId, reason, bye]));
    for (const id of ['rx-1', 'rx-2']) {
      const hello = decode(helloBytes(id));
      if (hello.type !== 'hello') throw new Error('hello');
      reg.hello(hello, { kind: 'nats' });
    }
    reg.bye(makeMessage('bye', { nodeId: 'rx-1', role: 'receiver', reason: 'shutdown', sentAt: now }));
    now += 400;
    reg.sweep();
    expect(seen).toEqual([
      ['rx-1', 'bye: shutdown', true],
      ['rx-2', 'no heartbeat for 400 ms', false],
    ]);
  });

  test('bad settings are TypeErrors naming the option', () => {
    expect(() => new NodeRegistry({ heartbeatIntervalMs: 500, nodeTimeoutMs: 400 })).toThrow(
      /nodeTimeoutMs must be/,
    );
  });
});

test('NATS: hello → welcome with the heartbeat settings; silence → offline; hello again → same node', async () => {
  const rx = await new TestReceiver('rx-nats').start(nats.url);
  expect(rx.welcome).toMatchObject({
    nodeId: 'rx-nats',
    coordinatorId: coord.coordinatorId,
    heartbeatIntervalMs: 150,
    nodeTimeoutMs: 450,
  });
  await until(() => (coord.registry.get('rx-nats')?.beats ?? 0) >= 2, 'heartbeats');
  const first = coord.registry.get('rx-nats')!.firstSeenAt;
  rx.stopBeating();
  await until(() => coord.registry.get('rx-nats')?.status === 'offline', 'offline');
  await rx.hello();
  rx.startBeating();
  const n = coord.registry.get('rx-nats')!;
  expect([n.status, n.firstSeenAt, n.hellos]).toEqual(['online', first, 2]);
  rx.bye();
  await until(() => coord.registry.get('rx-nats')?.status === 'offline', 'bye');
  expect(coord.registry.get('rx-nats')?.offlineReason).toBe('bye: test done');
  await rx.close();
});

test('NATS: garbage and a wrong-version hello are dropped, logged with the node id, answered with an error', async () => {
  const before = coord.metrics.dropped.total;
  const garbage = decode(
    (
      await nc.request(nodeLifecycleSubject('garbler', 'hello'), new Uint8Array([0xc1, 0xff, 0x00]), {
        timeout: 2000,
      })
    ).data,
  );
  expect(garbage).toMatchObject({ type: 'error', code: 'BAD_MESSAGE' });

  const wrong = decode(
    (
      await nc.request(nodeLifecycleSubject('old-phone', 'hello'), wrongVersionHello('old-phone'), {
        timeout: 2000,
      })
    ).data,
  );
  expect(wrong).toMatchObject({ type: 'error', code: 'VERSION_MISMATCH', nodeId: 'old-phone' });
  expect(wrong.type === 'error' && wrong.reason).toMatch(/peer speaks protocol v2, this node v1/);
  expect(dropLogs('old-phone')).toEqual([
    expect.objectContaining({ via: 'nats', code: 'VERSION_MISMATCH', level: 40 }),
  ]);
  expect(coord.registry.get('old-phone')).toBeUndefined();

  // A heartbeat with a field out of range: dropped with its sender's id.
  const badBeat = makeMessage('heartbeat', {
    nodeId: 'edge-x',
    role: 'edge',
    seq: -1,
    sentAt: Date.now(),
    inFlight: 0,
    queued: 0,
    stepMs: null,
  });
  nc.publish(nodeLifecycleSubject('edge-x', 'heartbeat'), encode(badBeat, { validate: false }));
  // A message of the wrong type for its subject.
  nc.publish(RECORD_SUBJECT, helloBytes('confused-node'));
  await until(() => coord.metrics.dropped.total >= before + 4, 'drops counted');
  expect(dropLogs('edge-x')[0]).toMatchObject({
    code: 'BAD_MESSAGE',
    reason: expect.stringMatching(/seq/) as unknown,
  });
  expect(dropLogs('confused-node')[0]).toMatchObject({ code: 'UNKNOWN_TYPE' });
  expect(coord.metrics.dropped.byNode).toMatchObject({
    'old-phone': 1,
    'edge-x': 1,
    'confused-node': 1,
    // Garbage on a lifecycle subject is counted for the subject's node.
    garbler: 1,
  });

  // …and the coordinator still serves: a good hello gets its welcome.
  const ok = decode(
    (await nc.request(nodeLifecycleSubject('rx-good', 'hello'), helloBytes('rx-good'), { timeout: 2000 }))
      .data,
  );
  expect(ok).toMatchObject({ type: 'welcome', nodeId: 'rx-good' });
});

test('socket.io: browser hello with ack, wrong version and garbage dropped with the node id, still serving', async () => {
  const s = await socket();
  const wrong = await emitHello(s, wrongVersionHello('old-browser'));
  expect(wrong).toMatchObject({ type: 'error', code: 'VERSION_MISMATCH', nodeId: 'old-browser' });
  expect(dropLogs('old-browser')).toEqual([
    expect.objectContaining({ via: 'socket', code: 'VERSION_MISMATCH' }),
  ]);

  const welcome = await emitHello(s, helloBytes('phone-1'));
  expect(welcome).toMatchObject({ type: 'welcome', nodeId: 'phone-1', heartbeatIntervalMs: 150 });
  expect(coord.registry.get('phone-1')?.transport).toEqual({ kind: 'socket', socketId: s.id });

  s.emit('record', new Uint8Array([1, 2, 3]));
  s.emit('heartbeat', 'not bytes at all');
  await until(() => dropLogs('phone-1').length === 2, 'socket drops');
  expect(dropLogs('phone-1').map((l) => l.where)).toEqual(['record', 'heartbeat']);

  // Still serving: the same socket's beats keep phone-1 online, and a dashboard gets a snapshot.
  const beat = makeMessage('heartbeat', {
    nodeId: 'phone-1',
    role: 'receiver',
    seq: 0,
    sentAt: Date.now(),
    inFlight: 0,
    queued: 0,
    stepMs: null,
  });
  s.emit('heartbeat', encode(beat));
  await until(() => coord.registry.get('phone-1')?.beats === 1, 'socket heartbeat');
  const dash = await socket({ token: coord.apiToken });
  const snapshot = await new Promise<{
    nodes: { nodeId: string }[];
    metrics: { dropped: { total: number } };
  }>((resolve) => dash.emit('dashboard', resolve));
  expect(snapshot.nodes.map((n) => n.nodeId)).toContain('phone-1');
  expect(snapshot.metrics.dropped.total).toBe(coord.metrics.dropped.total);

  // A reconnect on a new socket keeps the node (and a trial assignment, were there one).
  s.close();
  // (a hello while the old socket is still connected would be refused as NODE_ID_IN_USE)
  await until(() => {
    const t = coord.registry.get('phone-1')?.transport;
    return t?.kind === 'socket' && t.socketId === null;
  }, 'old socket gone');
  const again = await socket();
  expect(await emitHello(again, helloBytes('phone-1'))).toMatchObject({ type: 'welcome' });
  expect(coord.registry.get('phone-1')).toMatchObject({
    hellos: 2,
    transport: { kind: 'socket', socketId: again.id },
  });
});

test('NATS: a heartbeat from a node that never said hello asks it to say hello again', async () => {
  const told: unknown[] = [];
  const sub = nc.subscribe(nodeControlSubject('ghost-1'), {
    callback: (_e, m) => void told.push(decode(m.data)),
  });
  await nc.flush();
  const beat = makeMessage('heartbeat', {
    nodeId: 'ghost-1',
    role: 'edge',
    seq: 5,
    sentAt: Date.now(),
    inFlight: 0,
    queued: 0,
    stepMs: null,
  });
  nc.publish(nodeLifecycleSubject('ghost-1', 'heartbeat'), encode(beat));
  nc.publish(nodeLifecycleSubject('ghost-1', 'heartbeat'), encode(beat));
  await until(() => coord.metrics.unknownHeartbeats >= 2, 'unknown beats counted');
  await until(() => told.length === 1, 'the re-hello request');
  expect(told[0]).toMatchObject({
    type: 'error',
    code: 'NODE_LOST',
    nodeId: 'ghost-1',
    reason: expect.stringMatching(/hello again/) as unknown,
  });
  expect(coord.registry.get('ghost-1')).toBeUndefined();
  sub.unsubscribe();
});
