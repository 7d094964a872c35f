/**
 * TLS on the NATS port: a throwaway CA made with Debian's openssl (packages/testkit's
 * makeTestCa), nats-server with the config `createCredentials` writes with a server
 * certificate (what `semaigc creds init --tls-cert --tls-key` does), the coordinator and a
 * `semaigc receiver` process connecting with the lab CA (`--tls-ca`): the receiver comes
 * online, and the server's own connection list says both links are TLS. A client speaking
 * plain TCP gets no service, and one that does not trust the lab CA is refused. Needs
 * `npm run build` (the CLI's dist) and openssl (skipped, saying so, without it).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { type CoordinatorHandle, startCoordinator } from '@semaigc/coordinator';
import {
  createCredentials,
  type CredentialSet,
  natsTlsFromFlags,
  nodeCredsFile,
  readNatsCreds,
  startNatsServer,
  type NatsServer,
} from '@semaigc/node-kit';
import { freePort, hasOpenssl, makeTestCa, type TestCa } from '@semaigc/testkit';
import pino from 'pino';
import { type NodeProcess, spawnNode, waitFor } from './process-lab';

const run = hasOpenssl() ? describe : describe.skip;
if (!hasOpenssl()) process.stderr.write('nats-tls.test.ts: skipped, no openssl on PATH\n');

interface Conn {
  name?: string;
  tls_version?: string;
}

run('NATS over TLS', () => {
  let ca: TestCa;
  let dir: string;
  let creds: CredentialSet;
  let nats: NatsServer;
  let monitor: number;
  let coord: CoordinatorHandle;
  let rx: NodeProcess | null = null;

  beforeAll(async () => {
    ca = makeTestCa();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-faults-tls-'));
    creds = createCredentials(path.join(dir, 'creds'), {
      tls: { cert: ca.serverCert, key: ca.serverKey },
      nodes: [{ role: 'receiver', ids: ['rx-tls-0'] }],
    });
    monitor = await freePort();
    nats = await startNatsServer({
      jetstream: false,
      args: ['-c', creds.serverConfig, '-m', String(monitor)],
    });
    coord = await startCoordinator({
      natsUrl: nats.url,
      natsAuthenticator: readNatsCreds(creds.files.coordinator),
      ...natsTlsFromFlags({ tlsCa: ca.caFile }),
      runsDir: path.join(dir, 'runs'),
      logger: pino({ level: 'silent' }),
      heartbeatIntervalMs: 500,
      nodeTimeoutMs: 2500,
      dashboardRoot: path.join(dir, 'no-dashboard'),
    });
  }, 120_000);

  afterAll(async () => {
    await rx?.stop();
    await coord?.close();
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    ca?.remove();
  }, 60_000);

  test('the coordinator and a receiver process connect with --tls-ca; both links are TLS', async () => {
    rx = spawnNode(
      [
        'receiver',
        ...['--nats', nats.url, '--creds', nodeCredsFile(creds, 'rx-tls-0'), '--tls-ca', ca.caFile],
        ...['--id-prefix', 'rx-tls', '--threads', '1'],
      ],
      ['rx-tls-0'],
    );
    const exited = rx.exited.then((code) => {
      throw new Error(`the receiver exited (${code}): ${rx?.stderr().slice(-500)}`);
    });
    await Promise.race([
      waitFor(() => coord.registry.get('rx-tls-0')?.status === 'online', 180_000, 'rx-tls-0 online'),
      exited,
    ]);
    const connz = (await (await fetch(`http://127.0.0.1:${monitor}/connz`)).json()) as {
      connections: Conn[];
    };
    const byName = (prefix: string) => connz.connections.find((c) => c.name?.startsWith(prefix));
    expect(byName('rx-tls')?.tls_version).toMatch(/^1\.[23]$/);
    expect(byName('semaigc-')?.tls_version).toMatch(/^1\.[23]$/);
  }, 240_000);

  test('a plain-TCP client gets no service', async () => {
    const port = Number(new URL(nats.url).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1');
      let got = '';
      let sent = false;
      sock.on('data', (b: Buffer) => {
        got += b.toString('latin1');
        if (!sent && got.includes('\r\n')) {
          sent = true;
          // Past INFO, a plaintext CONNECT and PING: the server wants a TLS handshake instead.
          sock.write('CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n');
        }
      });
      sock.on('close', () => resolve(got));
      sock.on('error', reject);
      setTimeout(() => {
        sock.destroy();
        resolve(got);
      }, 10_000).unref();
    });
    expect(reply).toMatch(/^INFO .*"tls_required":true/);
    expect(reply).not.toMatch(/PONG|\+OK/);
  });

  test('a client that does not trust the lab CA is refused; --tls-ca naming no file says so', async () => {
    await expect(
      connect({
        servers: nats.url,
        authenticator: readNatsCreds(creds.files.observer),
        reconnect: false,
        timeout: 5000,
      }),
    ).rejects.toThrow(/certificate/i);
    expect(() => natsTlsFromFlags({ tlsCa: path.join(dir, 'missing-ca.pem') })).toThrow(
      /--tls-ca .*missing-ca\.pem: ENOENT/,
    );
    expect(() => natsTlsFromFlags({ tlsCert: ca.clientCert })).toThrow(
      /--tls-cert and --tls-key go together/,
    );
  });
});
