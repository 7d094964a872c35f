/**
 * A throwaway certificate authority for TLS tests, made with Debian's `openssl` in a temp
 * dir: a CA, a server certificate for 127.0.0.1/localhost signed by it, and a client
 * certificate (for a server that requires one). What an operator makes once per lab
 * (infra/README.md, "TLS on the NATS port"), small and fast (EC P-256, one day).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestkitError } from './errors';

export interface TestCa {
  dir: string;
  /** The CA certificate: what clients trust (`--tls-ca`). */
  caFile: string;
  /** The server's certificate and key (SAN 127.0.0.1, localhost). */
  serverCert: string;
  serverKey: string;
  /** A client certificate and key signed by the same CA. */
  clientCert: string;
  clientKey: string;
  /** Removes the folder. */
  remove(): void;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new TestkitError(`openssl ${args[0]} failed: ${stderr || String(err)}`, { cause: err });
  }
}

/** Makes a CA, a server and a client certificate in a fresh temp dir. */
export function makeTestCa(prefix = 'semaigc-test-ca-'): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...key,
    '-days',
    '1',
    '-subj',
    '/CN=semaigc-test-ca',
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
  ]);
  const leaf = (name: string, cn: string, ext: string): void => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(dir, ['req', ...key, '-subj', `/CN=${cn}`, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  };
  leaf('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'semaigc-test-client', 'extendedKeyUsage=clientAuth\n');
  const f = (name: string) => path.join(dir, name);
  return {
    dir,
    caFile: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server-key.pem'),
    clientCert: f('client.pem'),
    clientKey: f('client-key.pem'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
