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

/**
 * A throwaway CA and a nats-server with the TLS config `createCredentials` writes for it
 * (what `semaigc creds init --tls-cert --tls-key` does), its monitor port open for /connz.
 */
interface TlsNats {
  ca: TestCa;
  dir: string;
  creds: CredentialSet;
  nats: NatsServer;
  monitor: number;
  close(): Promise<void>;
}

async function startTlsNats(name: string, receiverIds: string[]): Promise<TlsNats> {
  const ca = makeTestCa();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `semaigc-faults-${name}-`));
  const creds = createCredentials(path.join(dir, 'creds'), {
    tls: { cert: ca.serverCert, key: ca.serverKey },
    nodes: [{ role: 'receiver', ids: receiverIds }],
  });
  const monitor = await freePort();
  const nats = await startNatsServer({
    jetstream: false,
    args: ['-c', creds.serverConfig, '-m', String(monitor)],
  });
  return {
    ca,
    dir,
    creds,
    nats,
    monitor,
    async close() {
      await nats.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      ca.remove();
    },
  };
}

/** The server's client connections (its monitor's /connz). */
async function connections(monitor: number): Promise<Conn[]> {
  const connz = (await (await fetch(`http://127.0.0.1:${monitor}/connz`)).json()) as { connections?: Conn[] };
  return connz.connections ?? [];
}

run('NATS over TLS', () => {
  let t: TlsNats;
  let coord: CoordinatorHandle;
  let rx: NodeProcess | null = null;

  beforeAll(async () => {
    t = await startTlsNats('tls', ['rx-tls-0']);
    coord = await startCoordinator({
      natsUrl: t.nats.url,
      natsAuthenticator: readNatsCreds(t.creds.files.coordinator),
      ...natsTlsFromFlags({ tlsCa: t.ca.caFile }),
      runsDir: path.join(t.dir, 'runs'),
      logger: pino({ level: 'silent' }),
      heartbeatIntervalMs: 500,
      nodeTimeoutMs: 2500,
      dashboardRoot: path.join(t.dir, 'no-dashboard'),
    });
  }, 120_000);

  afterAll(async () => {
    await rx?.stop();
    await coord?.close();
    await t?.close();
  }, 60_000);

  test('the coordinator and a receiver process connect with --tls-ca; both links are TLS', async () => {
    rx = spawnNode(
      [
        'receiver',
        ...['--nats', t.nats.url, '--creds', nodeCredsFile(t.creds, 'rx-tls-0'), '--tls-ca', t.ca.caFile],
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
    const links = await connections(t.monitor);
    const byName = (prefix: string) => links.find((c) => c.name?.startsWith(prefix));
    expect(byName('rx-tls')?.tls_version).toMatch(/^1\.[23]$/);
    expect(byName('semaigc-')?.tls_version).toMatch(/^1\.[23]$/);
  }, 240_000);

  test('a plain-TCP client gets no service', async () => {
    const port = Number(new URL(t.nats.url).port);
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
        servers: t.nats.url,
        authenticator: readNatsCreds(t.creds.files.observer),
        reconnect: false,
        timeout: 5000,
      }),
    ).rejects.toThrow(/certificate/i);
    expect(() => natsTlsFromFlags({ tlsCa: path.join(t.dir, 'missing-ca.pem') })).toThrow(
      /--tls-ca .*missing-ca\.pem: ENOENT/,
    );
    expect(() => natsTlsFromFlags({ tlsCert: t.ca.clientCert })).toThrow(
      /--tls-cert and --tls-key go together/,
    );
  });
});

run('semaigc lab on an external NATS server over TLS', () => {
  let t: TlsNats;
  let lab: NodeProcess | null = null;

  beforeAll(async () => {
    // With credentials for the lab's receiver (rx-0), as `creds init --receiver rx-0` makes.
    t = await startTlsNats('lab-tls', ['rx-0']);
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    await t?.close();
  }, 60_000);

  test('lab --nats --tls-ca: its coordinator and receiver links are TLS', async () => {
    lab = spawnNode(
      [
        'lab',
        ...['--nats', t.nats.url, '--creds-dir', t.creds.dir, '--tls-ca', t.ca.caFile],
        ...[
          '--port',
          '0',
          '--edges',
          '0',
          '--receivers',
          '1',
          '--no-run-trial',
          '--runs',
          path.join(t.dir, 'runs'),
        ],
      ],
      ['rx-0'],
    );
    const exited = lab.exited.then((code) => {
      throw new Error(`the lab exited (${code}): ${lab?.stderr().slice(-500)}`);
    });
    const both = async (): Promise<Conn[]> => {
      for (const end = Date.now() + 180_000; ;) {
        const links = await connections(t.monitor);
        if (links.some((c) => c.name?.startsWith('semaigc-')) && links.some((c) => c.name?.startsWith('rx')))
          return links;
        if (Date.now() > end) throw new Error(`the lab's links did not show up: ${JSON.stringify(links)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const links = await Promise.race([both(), exited]);
    for (const c of links) expect(c.tls_version).toMatch(/^1\.[23]$/);
  }, 240_000);

  test('lab with TLS flags but no --nats is refused, naming --nats', async () => {
    const p = spawnNode(['lab', '--tls-ca', t.ca.caFile, '--port', '0', '--no-run-trial'], []);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/--tls-ca, --tls-cert and --tls-key are for an external server: give --nats/);
  }, 60_000);
});
