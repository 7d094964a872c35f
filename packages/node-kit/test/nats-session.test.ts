/**
 * The node session on NATS against a real nats-server, the test playing the coordinator:
 * hello retried until a coordinator subscribes, welcome → heartbeats at its interval,
 * NODE_LOST → a new hello, a welcome on the control subject, a refusal, malformed control
 * messages dropped, records not held back, bye on close with the connection left open.
 */
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  BYE_WILDCARD,
  decode,
  encode,
  errorMessage,
  ERROR_SUBJECT,
  HEARTBEAT_WILDCARD,
  HELLO_WILDCARD,
  makeMessage,
  nodeControlSubject,
  type Capabilities,
  type Message,
  type MessageOf,
  type MessageType,
} from '@semaigc/protocol';
import type { NodeSession } from '@semaigc/session';
import pino from 'pino';
import { natsSession, nodeDeviceProfile, startNatsServer, type Logger, type NatsServer } from '../src';

const WAIT_MS = 10_000;

const caps = (stepMs: number): Capabilities => ({
  runtime: { kind: 'node', version: process.version },
  backend: 'cpu',
  stepMs,
  computeShare: 1,
  profile: nodeDeviceProfile('cpu'),
  maxConcurrent: 1,
  bundleId: 'test-bundle',
});

/** Everything nodes send on the heartbeat, bye and error subjects, in arrival order. */
class Tap {
  readonly seen: Message[] = [];
  private wake: (() => void)[] = [];
  private readonly subs: Subscription[];

  constructor(nc: NatsConnection) {
    this.subs = [HEARTBEAT_WILDCARD, BYE_WILDCARD, ERROR_SUBJECT].map((s) =>
      nc.subscribe(s, { callback: (_e, m) => this.push(decode(m.data)) }),
    );
  }

  push(msg: Message): void {
    this.seen.push(msg);
    for (const w of this.wake.splice(0)) w();
  }

  of<T extends MessageType>(type: T, nodeId: string): MessageOf<T>[] {
    return this.seen.filter((m) => m.type === type && 'nodeId' in m && m.nodeId === nodeId) as MessageOf<T>[];
  }

  /** Waits (bounded) until `pred` holds over what was seen. */
  async until(what: string, pred: () => boolean): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.wake.push(r);
        setTimeout(r, 50);
      });
    }
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}

type Answer = 'welcome' | 'refuse' | 'silent';

/** A stand-in coordinator: answers hellos on every node's hello subject as told, remembers them. */
class Coordinator {
  readonly hellos: MessageOf<'hello'>[] = [];
  answer: Answer = 'welcome';
  private sub: Subscription | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly heartbeatIntervalMs = 100,
  ) {}

  listen(): void {
    this.sub = this.nc.subscribe(HELLO_WILDCARD, { callback: (_e, m) => this.onHello(m) });
  }

  welcome(nodeId: string): MessageOf<'welcome'> {
    return makeMessage('welcome', {
      nodeId,
      coordinatorId: 'coord-test',
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      nodeTimeoutMs: 3 * this.heartbeatIntervalMs,
      serverTime: Date.now() + 60_000,
    });
  }

  private onHello(m: Msg): void {
    const hello = decode(m.data);
    if (hello.type !== 'hello') return;
    this.hellos.push(hello);
    if (this.answer === 'welcome') m.respond(encode(this.welcome(hello.nodeId)));
    else if (this.answer === 'refuse') m.respond(encode(errorMessage('BAD_MESSAGE', 'not in this lab')));
  }

  stop(): void {
    this.sub?.unsubscribe();
  }
}

let server: NatsServer;
let nc: NatsConnection;
let coordNc: NatsConnection;
let tap: Tap;
const sessions: NodeSession[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  coordNc = await connect({ servers: server.url });
  tap = new Tap(coordNc);
  await coordNc.flush();
});

afterAll(async () => {
  for (const s of sessions) await s.close();
  tap?.stop();
  await nc?.close();
  await coordNc?.close();
  await server?.stop();
});

/** A pino logger whose lines the test can read. */
function captureLogger(): { logger: Logger; lines: { msg: string; [k: string]: unknown }[] } {
  const lines: { msg: string }[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) },
  );
  return { logger, lines };
}

let n = 0;
function session(over: { stepMs?: number; helloTimeoutMs?: number } = {}) {
  const id = `node-${n++}`;
  const control: Message[] = [];
  const log = captureLogger();
  let stepMs = over.stepMs ?? 12;
  const s = natsSession({
    nc,
    nodeId: id,
    role: 'edge',
    name: `edge ${id}`,
    // Each hello reads the capabilities again: a re-announce carries the new step time.
    capabilities: () => caps(stepMs++),
    load: () => ({ inFlight: 1, queued: 2, stepMs: 12 }),
    logger: log.logger,
    helloRetryMs: 20,
    helloTimeoutMs: over.helloTimeoutMs ?? 2000,
    onMessage: (m) => control.push(m),
  });
  sessions.push(s);
  return { s, id, control, lines: log.lines };
}

async function until(what: string, pred: () => boolean): Promise<void> {
  await tap.until(what, pred);
}

test('a node started before its coordinator keeps saying hello, then is welcomed and beats', async () => {
  const coord = new Coordinator(coordNc);
  const { s, id, lines } = session();
  s.start();
  expect(s.state).toBe('connecting');
  // No coordinator: NATS answers "no responders" and the session retries; subscribe now.
  coord.listen();
  await coordNc.flush();
  await until('welcome', () => s.welcomed);
  expect(lines.filter((l) => l.msg === 'no coordinator yet; retrying hello').length).toBeGreaterThanOrEqual(
    1,
  );
  expect(lines.filter((l) => l.msg === 'welcomed by coordinator')).toEqual([
    expect.objectContaining({ coordinator: 'coord-test' }),
  ]);
  expect(coord.hellos.length).toBeGreaterThanOrEqual(1);
  expect(coord.hellos[0]).toMatchObject({ nodeId: id, role: 'edge', name: `edge ${id}` });
  // The coordinator's clock was a minute ahead: now() follows it.
  expect(s.now() - Date.now()).toBeGreaterThan(50_000);
  await until('three heartbeats', () => tap.of('heartbeat', id).length >= 3);
  const beats = tap.of('heartbeat', id);
  expect(beats.map((b) => b.seq).slice(0, 3)).toEqual([0, 1, 2]);
  expect(beats[0]).toMatchObject({ role: 'edge', inFlight: 1, queued: 2, stepMs: 12 });
  coord.stop();
});

test('NODE_LOST on the control subject: hello again with current capabilities, still welcomed', async () => {
  const coord = new Coordinator(coordNc);
  coord.listen();
  await coordNc.flush();
  const { s, id, control } = session({ stepMs: 40 });
  s.start();
  await until('welcome', () => s.welcomed);
  const before = coord.hellos.length;
  coordNc.publish(nodeControlSubject(id), encode(errorMessage('NODE_LOST', 'unknown node', { nodeId: id })));
  await until('a second hello', () => coord.hellos.length > before);
  const stepMs = coord.hellos.map((h) => h.capabilities.stepMs ?? 0);
  expect(stepMs.at(-1)).toBeGreaterThan(stepMs[before - 1]!);
  expect(s.state).toBe('welcomed');
  // The owner sees the coordinator's error too.
  expect(control.map((m) => m.type)).toEqual(['error']);
  coord.stop();
});

test('a welcome on the control subject counts when the hello went unanswered', async () => {
  const coord = new Coordinator(coordNc);
  coord.answer = 'silent';
  coord.listen();
  await coordNc.flush();
  const { s, id } = session({ helloTimeoutMs: 200 });
  s.start();
  await until('a hello', () => coord.hellos.some((h) => h.nodeId === id));
  expect(s.welcomed).toBe(false);
  coordNc.publish(nodeControlSubject(id), encode(coord.welcome(id)));
  await until('welcome', () => s.welcomed);
  await until('a heartbeat', () => tap.of('heartbeat', id).length >= 1);
  coord.stop();
});

test('a refused hello is not retried; a malformed control message is dropped and the node keeps listening', async () => {
  const coord = new Coordinator(coordNc);
  coord.answer = 'refuse';
  coord.listen();
  await coordNc.flush();
  const { s, id, lines } = session();
  s.start();
  await until('refusal', () => s.state === 'refused');
  expect(lines.find((l) => l.msg === 'hello refused')).toMatchObject({
    detail: 'hello refused: BAD_MESSAGE: not in this lab',
  });
  coordNc.publish(nodeControlSubject(id), new Uint8Array([0xc1, 0x00, 0x01]));
  await until('the drop logged', () => lines.some((l) => l.msg === 'dropped a malformed control message'));
  expect(lines.find((l) => l.msg === 'dropped a malformed control message')).toMatchObject({
    subject: nodeControlSubject(id),
  });
  // Ten retry periods later there is still one hello: refusals are final until something changes.
  await new Promise((r) => setTimeout(r, 200));
  expect(coord.hellos.filter((h) => h.nodeId === id)).toHaveLength(1);
  // ...and the session still reacts to its control subject: the coordinator now welcomes it.
  coord.answer = 'welcome';
  coordNc.publish(nodeControlSubject(id), encode(errorMessage('NODE_LOST', 'try again', { nodeId: id })));
  await until('welcome after the re-hello', () => s.welcomed);
  expect(coord.hellos.filter((h) => h.nodeId === id)).toHaveLength(2);
  coord.stop();
});

test('reports are not held back on NATS; close says bye and leaves the connection open', async () => {
  const { s, id } = session();
  s.start(); // no coordinator listening: never welcomed
  s.send(makeMessage('error', { code: 'TIMEOUT', reason: 'sent before any welcome', nodeId: id }));
  expect(s.pending).toBe(0);
  await until('the error', () => tap.of('error', id).length === 1);
  expect(s.welcomed).toBe(false);
  await s.close('test over');
  await until('bye', () => tap.of('bye', id).length === 1);
  expect(tap.of('bye', id)[0]).toMatchObject({ role: 'edge', reason: 'test over' });
  expect(nc.isClosed()).toBe(false);
  expect(s.state).toBe('closed');
});
