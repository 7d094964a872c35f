/**
 * `semaigc creds init <dir>`: one nkey per NATS role (coordinator, edge, receiver,
 * observer) as seed files, and the nats-server config that lets each role do only its
 * part. Prints where the files went, never their content.
 */
import { Command } from 'commander';
import { createCredentials, NATS_ROLES } from '@semaigc/node-kit';

interface InitOptions {
  force: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

function initCommand(): Command {
  return new Command('init')
    .description(
      'Generate per-role NATS credentials (<role>.nk, mode 0600) and nats-server.conf with the role permissions in <dir>.',
    )
    .argument('<dir>', 'folder for the credentials (created 0700)')
    .option('--force', 'replace existing credentials in <dir>', false)
    .option('--tls-cert <file>', 'server certificate: nats-server.conf turns TLS on (with --tls-key)')
    .option('--tls-key <file>', "server certificate's private key")
    .option('--tls-ca <file>', 'also require client certificates signed by this CA')
    .action((dir: string, o: InitOptions) => {
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
      const tls =
        o.tlsCert && o.tlsKey
          ? { cert: o.tlsCert, key: o.tlsKey, ...(o.tlsCa ? { ca: o.tlsCa } : {}) }
          : undefined;
      const set = createCredentials(dir, { force: o.force, ...(tls ? { tls } : {}) });
      const lines = [
        `server config: ${set.serverConfig}   (nats-server -c ${set.serverConfig})`,
        ...NATS_ROLES.map((r) => `${r.padEnd(11)} --creds ${set.files[r]}`),
        'Copy each role file only to the machines that run that role.',
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

export function credsCommand(): Command {
  return new Command('creds')
    .description('NATS credentials for a lab: one identity per role with least-privilege permissions.')
    .addCommand(initCommand());
}
