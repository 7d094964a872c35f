/**
 * Fault: a node with valid edge credentials tries to pose as the coordinator: a forged
 * welcome (heartbeat every 10 min, which used to take a node offline) and a bye on another
 * node's control subject, a forged request to another edge and to the edges' queue group,
 * a Local AIGC request straight to a receiver. The broker refuses every publish (a
 * permissions violation reported to the forger) and nothing arrives: an observer of every
 * protocol subject and the targeted nodes see none of it.
 */
import {
  decode,
  EDGE_REQUEST_SUBJECT,
  edgeRequestSubject,
  encode,
  makeMessage,
  nodeControlSubject,
  receiverRequestSubject,
  type Message,
} from '@semaigc/protocol';
import { sampleRequest, TestEdge, TestReceiver, until } from '../../apps/coordinator/test/helpers';
import { AUTH_LAB_HEARTBEAT_MS, type AuthLab, permissionErrors, startAuthLab } from './auth-lab';

let lab: AuthLab;
beforeAll(async () => {
  lab = await startAuthLab();
}, 180_000);
afterAll(() => lab?.close());

test('an edge cannot publish on control or request subjects: refused by the broker, never delivered', async () => {
  const victimEdge = await new TestEdge('edge-v').start(lab.nats.url, await lab.nodeAuth('edge', 'edge-v'));
  const victimRx = await new TestReceiver('rx-v').start(lab.nats.url, await lab.nodeAuth('receiver', 'rx-v'));
  const forger = await lab.nodeClient('edge', 'edge-m');
  const errors = permissionErrors(forger);
  const observer = await lab.client('observer');
  const seen: Message[] = [];
  observer.subscribe('semaigc.v1.>', {
    callback: (_e, m) => {
      // Heartbeats go on all along; the forgeries are what must not show.
      const msg = decode(m.data);
      if (msg.type !== 'heartbeat') seen.push(msg);
    },
  });
  await observer.flush();
  const controlBefore = victimRx.received.length;
  const requestsBefore = victimEdge.requests.length;

  const welcome = makeMessage('welcome', {
    nodeId: 'rx-v',
    coordinatorId: 'coord-fake',
    heartbeatIntervalMs: 600_000,
    nodeTimeoutMs: 1_800_000,
    serverTime: Date.now(),
  });
  const bye = makeMessage('bye', { nodeId: 'rx-v', role: 'receiver', reason: 'forged', sentAt: Date.now() });
  const request = encode(
    makeMessage('request', sampleRequest({ trialId: 'forged', requestId: 'forged-r0', receiverId: 'rx-v' })),
  );
  const local = encode(
    makeMessage(
      'request',
      sampleRequest({ trialId: 'forged', requestId: 'forged-r1', edgeSteps: 0, edgeId: null }),
    ),
  );
  const forgeries: [string, Uint8Array][] = [
    [nodeControlSubject('rx-v'), encode(welcome)],
    [nodeControlSubject('edge-v'), encode(bye)],
    [edgeRequestSubject('edge-v'), request],
    [EDGE_REQUEST_SUBJECT, request],
    [receiverRequestSubject('rx-v'), local],
  ];
  for (const [subject, bytes] of forgeries) forger.publish(subject, bytes);
  await forger.flush();
  await until(() => errors.list.length >= forgeries.length, 'a refusal per forgery', 10_000);
  for (const [subject] of forgeries) {
    expect(errors.list.join('\n')).toContain(`Permissions Violation for Publish to "${subject}"`);
  }
  // A round trip through the broker after the forgeries: anything delivered would be in by now.
  await observer.flush();
  await victimRx.nc.flush();
  await victimEdge.nc.flush();
  expect(seen).toEqual([]);
  expect(victimRx.received.length).toBe(controlBefore);
  expect(victimEdge.requests.length).toBe(requestsBefore);
  // The targets stay online, on the coordinator's real heartbeat.
  expect(lab.coord.registry.get('rx-v')?.status).toBe('online');
  expect(lab.coord.registry.get('edge-v')?.status).toBe('online');
  expect(victimRx.welcome?.heartbeatIntervalMs).toBe(AUTH_LAB_HEARTBEAT_MS);
  await Promise.all([victimEdge.close(), victimRx.close()]);
}, 60_000);
