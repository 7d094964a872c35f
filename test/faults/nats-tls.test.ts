/**
 * TLS on the NATS port (scenarios/nats-tls.ts): nats-server with a server certificate from a
 * throwaway lab CA, the coordinator and a `semaigc receiver` process connecting with
 * `--tls-ca`: the receiver comes online, and the server's own connection list says both
 * links are TLS. A client speaking plain TCP gets no service, and one that does not trust
 * the lab CA is refused. `semaigc lab --nats` takes the same flags. Needs `npm run build`
 * (the CLI's dist) and openssl (skipped, saying so, without it).
 */
import * as path from 'node:path';
import { natsTlsFromFlags } from '@semaigc/node-kit';
import { hasOpenssl } from '@semaigc/testkit';
import { type NodeProcess, spawnNode } from './process-lab';
import { type Conn, connections, natsTlsProbe, startTlsNats, type TlsNats } from './scenarios/nats-tls';

const run = hasOpenssl() ? describe : describe.skip;
if (!hasOpenssl()) process.stderr.write('nats-tls.test.ts: skipped, no openssl on PATH\n');

run('NATS over TLS', () => {
  test('the coordinator and a receiver process link with --tls-ca over TLS; plain TCP and an untrusted client get nothing', async () => {
    const m = await natsTlsProbe();
    expect(m.links).toBe(2);
    expect(m.tlsLinks).toBe(2);
    expect(m.plainReply).toMatch(/^INFO .*"tls_required":true/);
    expect(m.plainReply).not.toMatch(/PONG|\+OK/);
    expect(m.probes.map((p) => [p.what, p.refused])).toEqual([
      ['plain-TCP client', true],
      ['client without the lab CA', true],
    ]);
    expect(m.probes[1]!.got).toMatch(/certificate/i);
  }, 240_000);

  test('--tls-ca naming no file, or a certificate without its key, says so', () => {
    expect(() => natsTlsFromFlags({ tlsCa: path.join('/nonexistent', 'missing-ca.pem') })).toThrow(
      /--tls-ca .*missing-ca\.pem: ENOENT/,
    );
    expect(() => natsTlsFromFlags({ tlsCert: __filename })).toThrow(/--tls-cert and --tls-key go together/);
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
