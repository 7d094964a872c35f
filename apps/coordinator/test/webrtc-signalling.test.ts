/**
 * The coordinator's WebRTC signalling on page sockets (real nats-server, real coordinator and
 * socket.io, the real mediasoup worker): a path is opened only for the node that said hello
 * on the socket, whatever the request names; a socket without a hello, or whose hello was
 * refused, opens nothing; a page's disconnect closes its own path only; before any trial asks
 * for WebRTC the SFU does not run and requests are refused with the reason.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCoordinator, type CoordinatorHandle } from '../src';
import pino from 'pino';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';
import { io as ioClient, type Socket } from 'socket.io-client';
import { caps, until } from './helpers';
import { socketPhone, type SocketPhone } from './socket-phone';

jest.setTimeout(60_000);

type Reply = { ok: true; value: { transport: { id: string }; mode: string } } | { ok: false; error: string };

const open = (socket: Socket, payload: Record<string, unknown>): Promise<Reply> =>
  socket.timeout(10_000).emitWithAck('webrtc.open', payload) as Promise<Reply>;

const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-webrtc-signalling-'));
let nats: NatsServer;
let coordinator: CoordinatorHandle;
const phones: SocketPhone[] = [];
const sockets: Socket[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  coordinator = await startCoordinator({
    natsUrl: nats.url,
    runsDir,
    joinCode: 'join-rtc',
    heartbeatIntervalMs: 250,
    nodeTimeoutMs: 5000,
    sfu: { listenIp: '127.0.0.1' },
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  for (const p of phones) p.close();
  for (const s of sockets) s.close();
  coordinator.abortTrial('test over');
  await coordinator.close();
  await nats.stop();
  fs.rmSync(runsDir, { recursive: true, force: true });
});

async function phone(nodeId: string, join = 'join-rtc'): Promise<SocketPhone> {
  const p = await socketPhone(coordinator.url, { nodeId, join, capabilities: caps(), beatMs: 250 });
  phones.push(p);
  return p;
}

test('a page opens a WebRTC path only for its own hello, never for an id it names', async () => {
  const a = await phone('rx-a');
  const b = await phone('rx-b');
  expect(a.welcome.type).toBe('welcome');
  expect(b.welcome.type).toBe('welcome');

  // No trial asks for WebRTC: the SFU is not running and says so.
  const early = await open(a.socket, { mode: 'unreliable' });
  expect(early.ok).toBe(false);
  expect(!early.ok && early.error).toMatch(/no running trial asks for WebRTC/);
  expect(coordinator.webrtcReceivers()).toEqual([]);

  // A WebRTC trial starts the SFU before assigning its receivers (it waits for an edge here).
  coordinator.startTrial({
    name: 'rtc-signalling',
    delivery: { transport: 'webrtc', mode: 'unreliable' },
    receivers: { ids: ['rx-a', 'rx-b'], waitS: 30 },
    requestsPerReceiver: 1,
  });
  let first: Reply = early;
  for (let i = 0; i < 100 && !first.ok; i++) {
    first = await open(a.socket, { mode: 'unreliable' });
    if (!first.ok) await new Promise((r) => setTimeout(r, 100));
  }
  expect(first.ok).toBe(true);
  expect(coordinator.webrtcReceivers()).toEqual(['rx-a']);

  // rx-b names rx-a every way it could: the path opened is rx-b's, and rx-a's stays.
  const forged = await open(b.socket, { mode: 'reliable', receiverId: 'rx-a', nodeId: 'rx-a' });
  expect(forged.ok).toBe(true);
  expect(coordinator.webrtcReceivers().sort()).toEqual(['rx-a', 'rx-b']);
  if (first.ok && forged.ok) {
    expect(forged.value.transport.id).not.toBe(first.value.transport.id);
    expect(forged.value.mode).toBe('reliable');
  }

  // A socket with the join code but no hello, and one whose hello was refused: nothing opens.
  const silent = ioClient(coordinator.url, {
    transports: ['websocket'],
    forceNew: true,
    auth: { join: 'join-rtc' },
  });
  sockets.push(silent);
  const noHello = await open(silent, { mode: 'unreliable', receiverId: 'rx-a' });
  expect(noHello.ok).toBe(false);
  expect(!noHello.ok && noHello.error).toMatch(/no receiver yet \(say hello first\)/);
  const intruder = await phone('rx-a', 'wrong-code');
  expect(intruder.welcome.type).toBe('error');
  const refused = await open(intruder.socket, { mode: 'unreliable' });
  expect(refused.ok).toBe(false);
  expect(coordinator.webrtcReceivers().sort()).toEqual(['rx-a', 'rx-b']);

  // rx-b leaving closes rx-b's path only.
  b.close();
  await until(() => coordinator.webrtcReceivers().length === 1, "rx-b's path closed");
  expect(coordinator.webrtcReceivers()).toEqual(['rx-a']);
});
