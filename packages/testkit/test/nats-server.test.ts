import * as fs from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, freePort, NatsServerError, type NatsServer } from '@semaigc/testkit';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startNatsServer', () => {
  let server: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
  });

  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  test('runs a real server with JetStream on a loopback port', async () => {
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.storeDir && fs.existsSync(server.storeDir)).toBe(true);
    const rtt = await nc.rtt();
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(nc.info?.jetstream).toBe(true);
  });

  test('publish/subscribe delivers bytes unchanged', async () => {
    const sub = nc.subscribe('testkit.echo', { max: 1 });
    const payload = new Uint8Array([0, 1, 2, 255, 128]);
    nc.publish('testkit.echo', payload);
    for await (const m of sub) expect(Array.from(m.data)).toEqual(Array.from(payload));
  });

  test('a second server gets another port and both stop without orphans', async () => {
    const other = await startNatsServer({ jetstream: false });
    expect(other.port).not.toBe(server.port);
    expect(alive(other.pid)).toBe(true);
    await other.stop();
    expect(alive(other.pid)).toBe(false);
    await other.stop(); // idempotent
  });
});

test('stop() removes the JetStream store dir and ends the process', async () => {
  const s = await startNatsServer();
  const dir = s.storeDir!;
  await s.stop();
  expect(fs.existsSync(dir)).toBe(false);
  expect(alive(s.pid)).toBe(false);
});

test('a missing binary fails loudly with the reason', async () => {
  await expect(startNatsServer({ binary: '/nonexistent/nats-server' })).rejects.toThrow(NatsServerError);
  await expect(startNatsServer({ binary: '/nonexistent/nats-server' })).rejects.toThrow(/cannot start/);
});

test('bad arguments make the server exit early with its log', async () => {
  await expect(startNatsServer({ args: ['--no-such-flag'] })).rejects.toThrow(/exited early/);
});

test('freePort returns distinct bindable ports', async () => {
  const a = await freePort();
  const b = await freePort();
  expect(a).toBeGreaterThan(0);
  expect(b).toBeGreaterThan(0);
});
