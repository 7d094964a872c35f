/**
 * TLS on the NATS port: a throwaway CA made with Debian's openssl (packages/testkit's
 * makeTestCa), nats-server with the config `createCredentials` writes with a server
 * certificate (what `semaigc creds init --tls-cert --tls-key` does), the coordinator and a
 * `semaigc receiver` process connecting with the lab CA (`--tls-ca`). Measured: whether the
 * server's own connection list says both links are TLS, what a plain-TCP client gets, and
 * whether a client that does not trust the lab CA is refused. Never asserts: the test and
 * the faults bench read the measure. Needs `npm run build` (the CLI's dist) and openssl.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { startCoordinator } from '@semaigc/coordinator';
import {
  createCredentials,
  type CredentialSet,
  natsTlsFromFlags,
  nodeCredsFile,
  readNatsCreds,
  startNatsServer,
  type NatsServer,
} from '@semaigc/node-kit';
import { freePort, makeTestCa, type TestCa } from '@semaigc/testkit';
import pino from 'pino';
import { spawnNode, waitFor } from '../process-lab';
import type { Probe, ProbeMeasure } from './anonymous';

/** One client connection as the server's monitor lists it. */
export interface Conn {
  name?: string;
  tls_version?: string;
}

export interface TlsNats {
  ca: TestCa;
  dir: string;
  creds: CredentialSet;
  nats: NatsServer;
  monitor: number;
  close(): Promise<void>;
}

/** A throwaway CA and a nats-server with its TLS config, the monitor port open for /connz. */
export async function startTlsNats(name: string, receiverIds: string[]): Promise<TlsNats> {
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
export async function connections(monitor: number): Promise<Conn[]> {
  const connz = (await (await fetch(`http://127.0.0.1:${monitor}/connz`)).json()) as { connections?: Conn[] };
  return connz.connections ?? [];
}

/** What a client speaking plain TCP gets: INFO, then its CONNECT and PING. */
export function plainTcpReply(natsUrl: string): Promise<string> {
  const port = Number(new URL(natsUrl).port);
  return new Promise<string>((resolve, reject) => {
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
}

export interface TlsMeasure extends ProbeMeasure {
  /** Links of the coordinator and the receiver process, and how many of them are TLS. */
  links: number;
  tlsLinks: number;
  plainReply: string;
}

export async function natsTlsProbe(): Promise<TlsMeasure> {
  const t = await startTlsNats('tls', ['rx-tls-0']);
  const coord = await startCoordinator({
    natsUrl: t.nats.url,
    natsAuthenticator: readNatsCreds(t.creds.files.coordinator),
    ...natsTlsFromFlags({ tlsCa: t.ca.caFile }),
    runsDir: path.join(t.dir, 'runs'),
    logger: pino({ level: 'silent' }),
    heartbeatIntervalMs: 500,
    nodeTimeoutMs: 2500,
    dashboardRoot: path.join(t.dir, 'no-dashboard'),
  }).catch(async (err: unknown) => {
    await t.close();
    throw err;
  });
  const rx = spawnNode(
    [
      'receiver',
      ...['--nats', t.nats.url, '--creds', nodeCredsFile(t.creds, 'rx-tls-0'), '--tls-ca', t.ca.caFile],
      ...['--id-prefix', 'rx-tls', '--threads', '1'],
    ],
    ['rx-tls-0'],
  );
  try {
    const exited = rx.exited.then((code) => {
      throw new Error(`the receiver exited (${code}): ${rx.stderr().slice(-500)}`);
    });
    await Promise.race([
      waitFor(() => coord.registry.get('rx-tls-0')?.status === 'online', 180_000, 'rx-tls-0 online'),
      exited,
    ]);
    const all = await connections(t.monitor);
    const ours = ['rx-tls', 'semaigc-'].map((prefix) => all.find((c) => c.name?.startsWith(prefix)));
    const plainReply = await plainTcpReply(t.nats.url);
    const untrusted = await connect({
      servers: t.nats.url,
      authenticator: readNatsCreds(t.creds.files.observer),
      reconnect: false,
      timeout: 5000,
    }).then(
      async (nc) => {
        await nc.close();
        return 'connected';
      },
      (err: unknown) => String(err),
    );
    const probes: Probe[] = [
      {
        what: 'plain-TCP client',
        got: plainReply.slice(0, 60),
        refused: /"tls_required":true/.test(plainReply) && !/PONG|\+OK/.test(plainReply),
      },
      { what: 'client without the lab CA', got: untrusted, refused: /certificate/i.test(untrusted) },
    ];
    return {
      scenario: 'TLS on the NATS port',
      probes,
      leaked: 0,
      links: ours.length,
      tlsLinks: ours.filter((c) => /^1\.[23]$/.test(c?.tls_version ?? '')).length,
      plainReply,
    };
  } finally {
    await rx.stop();
    await coord.close();
    await t.close();
  }
}
