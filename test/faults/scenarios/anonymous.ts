/**
 * Anonymous attempts on each door of the lab: NATS (no credentials, a key the lab never
 * issued, the read-only observer writing), HTTP (no or a wrong token, cross-site bodies and
 * origins, the join code without the token) and socket.io (a receiver hello without or with
 * a wrong join code, one reusing a live node's id, a dashboard without the token). Each
 * probe says what came back and whether that is a refusal. Never asserts: the tests and the
 * faults bench read the probes.
 */
import { connect, nkeyAuthenticator, nkeys } from '@nats-io/transport-node';
import {
  decode,
  encode,
  makeMessage,
  type Message,
  nodeLifecycleSubject,
  RECORD_SUBJECT,
} from '@semaigc/protocol';
import { io as ioClient, type Socket } from 'socket.io-client';
import { until } from '../../../apps/coordinator/test/helpers';
import { type AuthLab, permissionErrors } from '../auth-lab';
import type { CoordinatorFixture } from '../coordinator-fixture';

export interface Probe {
  what: string;
  /** What came back: an error, a status, a message code. */
  got: string;
  refused: boolean;
}

export interface ProbeMeasure {
  scenario: string;
  probes: Probe[];
  /** What an attempt left behind that it must not have (trials started, nodes registered, …). */
  leaked: number;
}

const refusal = (what: string, err: unknown, pattern: RegExp): Probe => ({
  what,
  got: String(err),
  refused: pattern.test(String(err)),
});

export async function anonymousNats(lab: AuthLab): Promise<ProbeMeasure> {
  const probes: Probe[] = [];
  const attempt = async (what: string, o: Parameters<typeof connect>[0]): Promise<void> => {
    const nc = await connect(o).catch((err: unknown) => err);
    if (nc instanceof Error) probes.push(refusal(what, nc, /Authorization/i));
    else {
      probes.push({ what, got: 'connected', refused: false });
      await (nc as Awaited<ReturnType<typeof connect>>).close();
    }
  };
  await attempt('connect without credentials', { servers: lab.nats.url, reconnect: false });
  await attempt('connect with an nkey the lab never issued', {
    servers: lab.nats.url,
    reconnect: false,
    authenticator: nkeyAuthenticator(nkeys.createUser().getSeed()),
  });
  const received = lab.coord.metrics.received.nats;
  const nodes = lab.coord.registry.list().length;
  const obs = await lab.client('observer');
  const errors = permissionErrors(obs);
  const writes = [RECORD_SUBJECT, nodeLifecycleSubject('obs-1', 'hello')];
  for (const subject of writes) obs.publish(subject, new Uint8Array([1, 2, 3]));
  await obs.flush();
  await until(() => errors.list.length >= writes.length, 'a permission error per write', 5000).catch(
    () => undefined,
  );
  for (const subject of writes) {
    const hit = errors.list.find((e) => e.includes(`Permissions Violation for Publish to "${subject}"`));
    probes.push({
      what: `observer publishes to ${subject}`,
      got: hit ?? 'no error',
      refused: hit !== undefined,
    });
  }
  return {
    scenario: 'anonymous NATS',
    probes,
    // Anything that reached the coordinator, or a node it registered meanwhile.
    leaked: lab.coord.metrics.received.nats - received + lab.coord.registry.list().length - nodes,
  };
}

export async function anonymousHttp(f: CoordinatorFixture): Promise<ProbeMeasure> {
  const c = f.coordinator;
  const config = JSON.stringify({ name: 'csrf', prompts: ['a small red circle'], requestsPerReceiver: 1 });
  const bearer = { authorization: `Bearer ${c.apiToken}` };
  const probes: Probe[] = [];
  const probe = async (what: string, url: string, init: RequestInit): Promise<void> => {
    const res = await fetch(`${c.url}${url}`, init);
    const text = await res.text();
    probes.push({
      what,
      got: `${res.status} ${text.slice(0, 300)}`,
      refused: [401, 403, 415].includes(res.status) && !text.includes(f.coordinator.joinCode),
    });
  };
  const post = (what: string, headers: Record<string, string>, body = config) =>
    probe(what, '/api/trials', { method: 'POST', headers, body });
  const trialsBefore = c.trials().length;
  await post('POST /api/trials without a token', { 'content-type': 'application/json' });
  await post('POST /api/trials with a wrong token', {
    'content-type': 'application/json',
    authorization: 'Bearer not-the-token-at-all',
  });
  await post('POST /api/trials text/plain from another site', {
    'content-type': 'text/plain',
    origin: 'http://evil.example',
  });
  await post('POST /api/trials with the token from another origin', {
    'content-type': 'application/json',
    origin: 'http://evil.example',
    ...bearer,
  });
  await post('POST /api/trials text/plain with the token', { 'content-type': 'text/plain', ...bearer });
  await post(
    'POST /api/trials form body with the token',
    { 'content-type': 'application/x-www-form-urlencoded', ...bearer },
    'name=csrf',
  );
  await probe('DELETE /api/trials/:id without a token', '/api/trials/any', { method: 'DELETE' });
  await probe('GET /api/join without a token', '/api/join', {});
  await probe('GET /api/join/qr.svg without a token', '/api/join/qr.svg', {});
  return { scenario: 'anonymous HTTP', probes, leaked: c.trials().length - trialsBefore };
}

async function socketTo(url: string, auth: Record<string, string>, sockets: Socket[]): Promise<Socket> {
  const s = ioClient(url, { transports: ['websocket'], forceNew: true, auth, reconnection: false });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

function hello(s: Socket, nodeId: string): Promise<Message> {
  const msg = makeMessage('hello', {
    nodeId,
    role: 'receiver',
    name: nodeId,
    sentAt: Date.now(),
    capabilities: {
      runtime: { kind: 'browser', version: 'test' },
      backend: 'wasm',
      stepMs: null,
      computeShare: 1,
      profile: { userAgent: 'test', platform: 'test', cores: 1, memoryGiB: null, backend: 'wasm' },
      maxConcurrent: 1,
    },
  });
  return new Promise((resolve) =>
    s.emit('hello', encode(msg), (reply: ArrayBuffer) => resolve(decode(reply))),
  );
}

const codeOf = (m: Message): string => (m.type === 'error' ? m.code : m.type);

/** `owner` is welcomed first (with the right code): the id-reuse probe takes over its id. */
export async function anonymousSocket(
  f: CoordinatorFixture,
): Promise<ProbeMeasure & { ownerSocketId: string; ownerTransport: unknown }> {
  const url = f.coordinator.url;
  const sockets: Socket[] = [];
  const probes: Probe[] = [];
  try {
    const m1 = await hello(await socketTo(url, {}, sockets), 'mallory-1');
    probes.push({
      what: 'receiver hello without the join code',
      got: codeOf(m1),
      refused: codeOf(m1) === 'UNAUTHORIZED',
    });
    const m2 = await hello(await socketTo(url, { join: 'NOTIT' }, sockets), 'mallory-2');
    probes.push({
      what: 'receiver hello with a wrong join code',
      got: codeOf(m2),
      refused: codeOf(m2) === 'UNAUTHORIZED',
    });
    const owner = await socketTo(url, { join: f.coordinator.joinCode }, sockets);
    const welcome = await hello(owner, 'phone-a');
    const thief = await hello(await socketTo(url, { join: f.coordinator.joinCode }, sockets), 'phone-a');
    probes.push({
      what: "receiver hello reusing a live page's node id",
      got: codeOf(thief),
      refused: codeOf(thief) === 'NODE_ID_IN_USE' && welcome.type === 'welcome',
    });
    const anonymous = await socketTo(url, {}, sockets);
    let snapshot: unknown = null;
    const gone = new Promise<string>((resolve) => anonymous.once('disconnect', resolve));
    anonymous.emit('dashboard', (s: unknown) => (snapshot = s));
    const reason = await gone;
    probes.push({
      what: 'dashboard stream without the API token',
      got: reason,
      refused: reason === 'io server disconnect' && snapshot === null,
    });
    const registered = ['mallory-1', 'mallory-2'].filter((id) => f.coordinator.registry.get(id)).length;
    return {
      scenario: 'anonymous socket.io',
      probes,
      leaked: registered,
      ownerSocketId: owner.id ?? '',
      ownerTransport: f.coordinator.registry.get('phone-a')?.transport,
    };
  } finally {
    for (const s of sockets) s.close();
  }
}
