/**
 * Fault: anonymous socket.io peers. A receiver hello without the join code (or with a wrong
 * one) is refused with UNAUTHORIZED and registers nothing; a hello that reuses the node id
 * of a live socket is refused with NODE_ID_IN_USE and leaves the owner's routing alone; a
 * dashboard without the API token is disconnected without a snapshot.
 */
import { decode, encode, makeMessage } from '@semaigc/protocol';
import { io as ioClient, type Socket } from 'socket.io-client';
import { startCoordinatorFixture, type CoordinatorFixture } from './coordinator-fixture';
import { waitFor } from './helpers';

let f: CoordinatorFixture;
const sockets: Socket[] = [];
beforeAll(async () => {
  f = await startCoordinatorFixture();
}, 30_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await f?.close();
});

async function connect(auth: Record<string, string>): Promise<Socket> {
  const s = ioClient(f.coordinator.url, {
    transports: ['websocket'],
    forceNew: true,
    auth,
    reconnection: false,
  });
  sockets.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

function hello(s: Socket, nodeId: string): Promise<ReturnType<typeof decode>> {
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

test('a receiver hello without the join code, or a wrong one, is refused and registers nothing', async () => {
  const anonymous = await connect({});
  expect(await hello(anonymous, 'mallory-1')).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
  const wrong = await connect({ join: 'NOTIT' });
  expect(await hello(wrong, 'mallory-2')).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
  expect(f.coordinator.registry.get('mallory-1')).toBeUndefined();
  expect(f.coordinator.registry.get('mallory-2')).toBeUndefined();
});

test('a hello reusing the id of a live socket is refused; the owner keeps its routing', async () => {
  const owner = await connect({ join: 'JOIN42' });
  expect(await hello(owner, 'phone-a')).toMatchObject({ type: 'welcome', nodeId: 'phone-a' });
  const thief = await connect({ join: 'JOIN42' });
  expect(await hello(thief, 'phone-a')).toMatchObject({ type: 'error', code: 'NODE_ID_IN_USE' });
  expect(f.coordinator.registry.get('phone-a')?.transport).toEqual({ kind: 'socket', socketId: owner.id });
});

test('a dashboard without the API token is disconnected without a snapshot', async () => {
  const anonymous = await connect({});
  let snapshot: unknown = null;
  const gone = new Promise<string>((resolve) => anonymous.once('disconnect', resolve));
  anonymous.emit('dashboard', (s: unknown) => (snapshot = s));
  expect(await gone).toBe('io server disconnect');
  expect(snapshot).toBeNull();

  const dashboard = await connect({ token: f.coordinator.apiToken });
  const got = await new Promise<{ join: { code: string } }>((resolve) =>
    dashboard.emit('dashboard', resolve),
  );
  expect(got.join.code).toBe('JOIN42');
  await waitFor(() => dashboard.connected, 1000);
});
