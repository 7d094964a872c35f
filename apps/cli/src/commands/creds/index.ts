/**
 * `semaigc creds init <dir>`: an nkey for the coordinator, the observer and each node named
 * with `--edge` / `--receiver`, as seed files, and the nats-server config that lets each do
 * only its part (a node publishes lifecycle messages only under its own ids).
 * `semaigc creds add <dir>`: credentials for another node, the config rewritten; the running
 * server takes them on `nats-server --signal reload`. Prints where the files went, never
 * their content.
 */
import { Command } from 'commander';
import {
  addNodeCredentials,
  createCredentials,
  type NodeCredentials,
  type NodeIdentity,
  SERVICE_ROLES,
} from '@semaigc/node-kit';

interface NodeOptions {
  edge: string[];
  receiver: string[];
}

interface InitOptions extends NodeOptions {
  force: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

/** Repeatable: each use is one node; a receiver process may hold several ids (`rx-0,rx-1`). */
function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

function identities(o: NodeOptions): NodeIdentity[] {
  const ids = (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return [
    ...o.edge.map((v) => ({ role: 'edge' as const, ids: ids(v) })),
    ...o.receiver.map((v) => ({ role: 'receiver' as const, ids: ids(v) })),
  ];
}

function nodeLine(n: NodeCredentials): string {
  return `${n.role.padEnd(11)} --creds ${n.file}   (node ids: ${n.ids.join(', ')})`;
}

function withNodeOptions(c: Command): Command {
  return c
    .option('--edge <id>', 'credentials for edge <id> (repeat for each edge)', collect, [])
    .option(
      '--receiver <ids>',
      "credentials for a receiver process and its ids, e.g. rx-0 or rx-0,rx-1 for 'semaigc receiver --id-prefix rx --count 2' (repeatable)",
      collect,
      [],
    );
}

function initCommand(): Command {
  return withNodeOptions(
    new Command('init')
      .description(
        'Generate NATS credentials (coordinator.nk, observer.nk, nodes/<id>.nk; mode 0600) and nats-server.conf with their permissions in <dir>.',
      )
      .argument('<dir>', 'folder for the credentials (created 0700)'),
  )
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
      const set = createCredentials(dir, { force: o.force, nodes: identities(o), ...(tls ? { tls } : {}) });
      const lines = [
        `server config: ${set.serverConfig}   (nats-server -c ${set.serverConfig})`,
        ...SERVICE_ROLES.map((r) => `${r.padEnd(11)} --creds ${set.files[r]}`),
        ...set.nodes.map(nodeLine),
        'Copy each file only to the machine that runs it; a node may use only its own ids.',
        ...(set.nodes.length === 0 ? [`Add nodes with: semaigc creds add ${dir} --edge <id>`] : []),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}

function addCommand(): Command {
  return withNodeOptions(
    new Command('add')
      .description(
        "Add node credentials to a folder made by 'creds init' and rewrite its nats-server.conf (then: nats-server --signal reload).",
      )
      .argument('<dir>', "the folder 'semaigc creds init' made"),
  ).action((dir: string, o: NodeOptions) => {
    const nodes = identities(o);
    if (nodes.length === 0) throw new Error('creds add: name a node with --edge <id> or --receiver <ids>');
    const lines = nodes.map((n) => nodeLine(addNodeCredentials(dir, n)));
    lines.push('Reload the running server to admit them: nats-server --signal reload (or kill -HUP <pid>).');
    process.stdout.write(lines.join('\n') + '\n');
  });
}

export function credsCommand(): Command {
  return new Command('creds')
    .description(
      'NATS credentials for a lab: the coordinator, an observer and one identity per node, each with least-privilege permissions.',
    )
    .addCommand(initCommand())
    .addCommand(addCommand());
}
