/**
 * TLS for a NATS client (`--tls-ca`, `--tls-cert`, `--tls-key`): the CA that signed the
 * server's certificate (a lab CA; without it the system CAs), and a client certificate
 * when the server requires one (`semaigc creds init --tls-ca`). nats.js reads the files.
 */
import * as fs from 'node:fs';
import { NatsAuthError } from './errors';

export interface NatsClientTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface NatsTlsFlags {
  tlsCa?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
}

function readable(flag: string, file: string): string {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (err) {
    throw new NatsAuthError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'not readable'}`, {
      cause: err,
    });
  }
  return file;
}

/** The start options' `natsTls` for the TLS flags: `{}` when none is given (plain TCP). */
export function natsTlsFromFlags(o: NatsTlsFlags): { natsTls?: NatsClientTls } {
  if (Boolean(o.tlsCert) !== Boolean(o.tlsKey))
    throw new NatsAuthError('--tls-cert and --tls-key go together (a client certificate and its key)');
  if (!o.tlsCa && !o.tlsCert) return {};
  return {
    natsTls: {
      ...(o.tlsCa ? { caFile: readable('--tls-ca', o.tlsCa) } : {}),
      ...(o.tlsCert ? { certFile: readable('--tls-cert', o.tlsCert) } : {}),
      ...(o.tlsKey ? { keyFile: readable('--tls-key', o.tlsKey) } : {}),
    },
  };
}
