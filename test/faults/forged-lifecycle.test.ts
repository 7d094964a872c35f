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
import pino from 'pino';
import { caps, until } from '../../apps/coordinator/test/helpers';
import { AUTH_LAB_NODE_TIMEOUT_MS, type AuthLab, startAuthLab } from './auth-lab';
import { forgedLifecycle } from './scenarios/forged-lifecycle';

let lab: AuthLab;
beforeAll(async () => {
  lab = await startAuthLab();
}, 180_000);
afterAll(() => lab?.close());

test('a node cannot say bye, hello or heartbeat as another: refused by the server and the coordinator', async () => {
  const m = await forgedLifecycle(lab, AUTH_LAB_NODE_TIMEOUT_MS);
  // 1. On the victims' own subjects: the server refused each publish and the request.
  expect(m.serverRefused).toBe(m.onVictims);
  expect(m.requestError).toMatch(/Permissions Violation for Publish to "semaigc\.v1\.node\.edge-v\.hello"/);
  expect(m.delivered).toEqual([]);
  // 2. On its own subject naming a victim: the coordinator refused each, UNAUTHORIZED.
  expect(m.answer).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
  expect(m.answer.type === 'error' && m.answer.reason).toMatch(
    /'edge-v' sent on semaigc\.v1\.node\.edge-m\.hello/,
  );
  expect(m.coordinatorRefused).toBe(m.onOwn);
  expect(m.refusals).toHaveLength(m.onOwn);
  for (const r of m.refusals) expect(r).toEqual({ code: 'UNAUTHORIZED', via: 'nats' });
  // The victims and the forger stay online with their roles; nobody went offline.
  expect(m.stillOnline).toBe(m.nodes);
  expect(m.offlineLines).toBe(0);
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
