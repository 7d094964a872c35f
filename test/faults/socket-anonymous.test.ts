/**
 * Fault: anonymous socket.io peers (scenarios/anonymous.ts). A receiver hello without the
 * join code (or with a wrong one) is refused with UNAUTHORIZED and registers nothing; a hello
 * that reuses the node id of a live socket is refused with NODE_ID_IN_USE and leaves the
 * owner's routing alone; a dashboard without the API token is disconnected without a
 * snapshot, one with it gets the join code.
 */
import { io as ioClient } from 'socket.io-client';
import { startCoordinatorFixture, type CoordinatorFixture } from './coordinator-fixture';
import { anonymousSocket } from './scenarios/anonymous';

let f: CoordinatorFixture;
beforeAll(async () => {
  f = await startCoordinatorFixture();
}, 30_000);
afterAll(() => f?.close());

test('hellos without or with a wrong join code, an id reuse and a dashboard without the token are refused', async () => {
  const m = await anonymousSocket(f);
  expect(m.probes.map((p) => [p.what, p.got])).toEqual([
    ['receiver hello without the join code', 'UNAUTHORIZED'],
    ['receiver hello with a wrong join code', 'UNAUTHORIZED'],
    ["receiver hello reusing a live page's node id", 'NODE_ID_IN_USE'],
    ['dashboard stream without the API token', 'io server disconnect'],
  ]);
  for (const p of m.probes) expect(p.refused).toBe(true);
  expect(m.leaked).toBe(0);
  // The owner kept its routing (its socket then closed with the probe's others).
  expect(m.ownerTransport).toEqual({ kind: 'socket', socketId: m.ownerSocketId });
});

test('a dashboard with the API token gets its snapshot, join code included', async () => {
  const dashboard = ioClient(f.coordinator.url, {
    transports: ['websocket'],
    forceNew: true,
    auth: { token: f.coordinator.apiToken },
    reconnection: false,
  });
  try {
    const got = await new Promise<{ join: { code: string } }>((resolve) =>
      dashboard.emit('dashboard', resolve),
    );
    expect(got.join.code).toBe('JOIN42');
  } finally {
    dashboard.close();
  }
});
