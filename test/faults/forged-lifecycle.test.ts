/**
 * Fault: a node with valid credentials of its own (edge-m) tries to take other nodes
 * offline or to pose as them with lifecycle messages. Lifecycle subjects carry the sender's
 * id (`semaigc.v1.node.<id>.hello|heartbeat|bye`) and a node's credentials allow only its own:
 *
 * - a bye, hello or heartbeat on a victim's subject is refused by nats-server (a permissions
 *   violation reported to the forger) and never reaches the coordinator;
 * - one on the forger's own subject naming a victim in the payload passes the server and is
 *   refused by the coordinator (dropped, logged UNAUTHORIZED with the forger's id; a hello
 *   is answered with the error);
 *
 * and the victims stay online with their roles. A node started on credentials made for
 * another id (or old shared role credentials) ends refused, its log naming the permission.
 * Real nats-server, real credentials (test/faults/auth-lab.ts), the coordinator tests'
 * protocol stand-ins as nodes.
 */
import type { Authenticator } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { natsSession } from '@semaigc/node-kit';
import { decode, encode, makeMessage, type Message, nodeLifecycleSubject } from '@semaigc/protocol';
import pino from 'pino';
import { caps, TestEdge, TestReceiver, until } from '../../apps/coordinator/test/helpers';
import { type AuthLab, permissionErrors, startAuthLab } from './auth-lab';

let lab: AuthLab;
beforeAll(async () => {
  lab = await startAuthLab();
}, 180_000);
afterAll(() => lab?.close());

const bye = (nodeId: string, role: 'edge' | 'receiver') =>
  encode(makeMessage('bye', { nodeId, role, reason: 'forged', sentAt: Date.now() }));
const hello = (nodeId: string, role: 'edge' | 'receiver') =>
  encode(makeMessage('hello', { nodeId, role, name: 'forged', capabilities: caps(), sentAt: Date.now() }));
const beat = (nodeId: string, role: 'edge' | 'receiver') =>
  encode(
    makeMessage('heartbeat', {
      nodeId,
      role,
      seq: 1,
      sentAt: Date.now(),
      inFlight: 0,
      queued: 0,
      stepMs: null,
    }),
  );

test('a node cannot say bye, hello or heartbeat as another: refused by the server and the coordinator', async () => {
  const victimEdge = await new TestEdge('edge-v').start(lab.nats.url, await lab.nodeAuth('edge', 'edge-v'));
  const victimRx = await new TestReceiver('rx-v').start(lab.nats.url, await lab.nodeAuth('receiver', 'rx-v'));
  const forger = await new TestEdge('edge-m').start(lab.nats.url, await lab.nodeAuth('edge', 'edge-m'));
  const errors = permissionErrors(forger.nc);
  const observer = await lab.client('observer');
  const seen: Message[] = [];
  observer.subscribe('semaigc.v1.node.*.*', {
    callback: (_e, m) => {
      const msg = decode(m.data);
      // The nodes' own beats go on; only what names a victim outside its own subject counts.
      if (msg.type !== 'heartbeat' || m.subject.split('.')[3] !== msg.nodeId) seen.push(msg);
    },
  });
  await observer.flush();

  // 1. On the victims' own subjects: the server refuses each publish.
  const onVictims: [string, Uint8Array][] = [
    [nodeLifecycleSubject('rx-v', 'bye'), bye('rx-v', 'receiver')],
    [nodeLifecycleSubject('edge-v', 'bye'), bye('edge-v', 'edge')],
    [nodeLifecycleSubject('edge-v', 'hello'), hello('edge-v', 'receiver')],
    [nodeLifecycleSubject('rx-v', 'heartbeat'), beat('rx-v', 'receiver')],
  ];
  for (const [subject, bytes] of onVictims) forger.nc.publish(subject, bytes);
  await forger.nc.flush();
  await until(() => errors.list.length >= onVictims.length, 'a refusal per forgery', 10_000);
  for (const [subject] of onVictims)
    expect(errors.list.join('\n')).toContain(`Permissions Violation for Publish to "${subject}"`);
  // A hello as request/reply to a victim's subject fails the same way.
  await expect(
    forger.nc.request(nodeLifecycleSubject('edge-v', 'hello'), hello('edge-v', 'receiver'), {
      timeout: 5000,
    }),
  ).rejects.toThrow(/Permissions Violation for Publish to "semaigc\.v1\.node\.edge-v\.hello"/);
  await observer.flush();
  expect(seen).toEqual([]);

  // 2. On its own subject, naming a victim: the coordinator refuses it.
  const dropsBefore = lab.coord.metrics.dropped.byNode['edge-m'] ?? 0;
  forger.nc.publish(nodeLifecycleSubject('edge-m', 'bye'), bye('rx-v', 'receiver'));
  forger.nc.publish(nodeLifecycleSubject('edge-m', 'bye'), bye('edge-v', 'edge'));
  forger.nc.publish(nodeLifecycleSubject('edge-m', 'heartbeat'), beat('edge-v', 'edge'));
  const answer = decode(
    (
      await forger.nc.request(nodeLifecycleSubject('edge-m', 'hello'), hello('edge-v', 'receiver'), {
        timeout: 5000,
      })
    ).data,
  );
  expect(answer).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
  expect(answer.type === 'error' && answer.reason).toMatch(
    /'edge-v' sent on semaigc\.v1\.node\.edge-m\.hello/,
  );
  await until(
    () => (lab.coord.metrics.dropped.byNode['edge-m'] ?? 0) >= dropsBefore + 4,
    'four refusals',
    10_000,
  );
  const refusals = lab.log.filter((l) => l.msg === 'dropped message from node' && l['nodeId'] === 'edge-m');
  expect(refusals).toHaveLength(4);
  for (const r of refusals) expect(r).toMatchObject({ code: 'UNAUTHORIZED', via: 'nats' });

  // The victims (and the forger, whose own bye named someone else) stay online, roles intact,
  // across several node timeouts of their real heartbeats.
  await new Promise((r) => setTimeout(r, 3 * 500));
  for (const [id, role] of [
    ['rx-v', 'receiver'],
    ['edge-v', 'edge'],
    ['edge-m', 'edge'],
  ] as const) {
    expect(lab.coord.registry.get(id)).toMatchObject({ status: 'online', role });
  }
  const offline = lab.log.filter(
    (l) => /offline/i.test(l.msg) && ['rx-v', 'edge-v'].includes(String(l['nodeId'])),
  );
  expect(offline).toEqual([]);
  await Promise.all([victimEdge.close(), victimRx.close(), forger.close()]);
}, 60_000);

test('a node on credentials made for another id is refused, its log naming the permission', async () => {
  // rx-w's credentials, used by a node that calls itself rx-x: what a node on another's file,
  // or on shared role credentials from before per-node identities, runs into.
  const auth: Authenticator = await lab.nodeAuth('receiver', 'rx-w');
  const nc = await connect({ servers: lab.nats.url, authenticator: auth });
  const lines: { level: number; msg: string; detail?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as never) });
  const session = natsSession({
    nc,
    logger,
    nodeId: 'rx-x',
    role: 'receiver',
    name: 'rx-x on rx-w credentials',
    capabilities: () => caps(),
    load: () => ({ inFlight: 0, queued: 0, stepMs: null }),
    helloRetryMs: 200,
  });
  try {
    session.start();
    await until(() => lines.some((l) => l.msg === 'hello refused'), 'the hello refused', 10_000);
    const refused = lines.find((l) => l.msg === 'hello refused')!;
    expect(refused.level).toBe(50);
    expect(refused.detail).toMatch(
      /UNAUTHORIZED: nats-server refused to let this node publish to semaigc\.v1\.node\.rx-x\.hello \(Permissions Violation\).*not for node id 'rx-x'.*semaigc creds add/,
    );
    expect(lab.coord.registry.get('rx-x')).toBeUndefined();
  } finally {
    await session.close();
    await nc.close();
  }
}, 60_000);
