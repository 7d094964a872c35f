/**
 * Authenticated roles on NATS, with nats-server's own mechanisms: one nkey user for the
 * coordinator, one for a read-only observer, and one per node (an edge, or a headless
 * receiver process with its ids), each with per-subject publish/subscribe permissions, so
 *
 * - only the coordinator publishes `node.*.control`, `edge.request`, `edge.*.request`,
 *   `receiver.*.request`, trial events and the replies to hellos;
 * - a node publishes lifecycle messages only on its own ids' subjects
 *   (`node.<id>.hello` / `.heartbeat` / `.bye`): a node cannot say hello or bye as another,
 *   the server refuses it; it subscribes only to its own ids' control, request and latent
 *   subjects (and the edges' queue group);
 * - an edge publishes errors and payloads to receivers, and answers only the requests it
 *   received (`allow_responses`);
 * - a receiver publishes records, errors and previews; nobody else can publish a record;
 * - an observer reads every subject of the protocol and publishes nothing;
 * - JetStream (the records stream, the trial-state bucket, their consumers: `$JS.API.>`,
 *   `$KV.>`) is the coordinator's alone. A receiver stores a record in the stream by
 *   publishing it to RECORD_SUBJECT with a reply inbox (the server's ack comes back on
 *   `_INBOX.>`), which its permissions below already allow: it needs no `$JS.API` access.
 *
 * The record, error and preview subjects do not carry the sender's id, so NATS cannot stop
 * one receiver from claiming another's id in a record: the coordinator checks that (a record
 * is taken only from the receiver assigned to the request's current attempt).
 *
 * The server config holds public keys only; each identity's secret is an nkey seed file
 * (mode 0600) that `--creds <file>` reads. A JWT `.creds` file (from `nsc`) works too.
 * `identities.json` (public keys, roles, ids: nothing secret) lets `addNodeCredentials`
 * regenerate the config when a node joins (then reload the server: `nats-server --signal
 * reload`, or SIGHUP).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Authenticator, credsAuthenticator, nkeyAuthenticator, nkeys } from '@nats-io/transport-node';
import {
  EDGE_REQUEST_SUBJECT,
  edgeRequestSubject,
  ERROR_SUBJECT,
  isSubjectToken,
  LIFECYCLE_KINDS,
  nodeControlSubject,
  nodeLifecycleSubject,
  PREVIEW_SUBJECT,
  RECEIVER_LATENT_WILDCARD,
  receiverLatentSubject,
  receiverRequestSubject,
  RECORD_SUBJECT,
  SUBJECT_PREFIX,
} from '@semaigc/protocol';
import { NatsAuthError } from './errors';

export const NATS_ROLES = ['coordinator', 'edge', 'receiver', 'observer'] as const;
export type NatsRole = (typeof NATS_ROLES)[number];
/** Roles with one identity per lab. */
export const SERVICE_ROLES = ['coordinator', 'observer'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];
/** Roles with one identity per node (process): its credential names the ids it may use. */
export type NodeRole = 'edge' | 'receiver';

/** nats-server's permission block of one user. */
export interface NatsPermissions {
  publish: { allow?: string[]; deny?: string[] };
  subscribe: { allow?: string[]; deny?: string[] };
  allow_responses?: boolean;
}

/** The replies nats.js's request() waits on (hello → welcome). */
const INBOX = '_INBOX.>';

function checkIds(role: NodeRole, ids: readonly string[]): void {
  if (ids.length === 0) throw new TypeError(`a ${role} identity needs at least one node id`);
  for (const id of ids)
    if (!isSubjectToken(id))
      throw new TypeError(`node id '${String(id)}' of a ${role} identity is not a NATS subject token`);
}

/** The coordinator's and the observer's permissions. */
export function servicePermissions(role: ServiceRole): NatsPermissions {
  return role === 'coordinator'
    ? { publish: { allow: ['>'] }, subscribe: { allow: ['>'] } }
    : { publish: { deny: ['>'] }, subscribe: { allow: [`${SUBJECT_PREFIX}.>`] } };
}

/** A node's permissions: its role's subjects, the id-bearing ones for `ids` only. */
export function nodePermissions(role: NodeRole, ids: readonly string[]): NatsPermissions {
  checkIds(role, ids);
  const lifecycle = ids.flatMap((id) => LIFECYCLE_KINDS.map((k) => nodeLifecycleSubject(id, k)));
  const control = ids.map((id) => nodeControlSubject(id));
  if (role === 'edge')
    return {
      publish: { allow: [...lifecycle, ERROR_SUBJECT, RECEIVER_LATENT_WILDCARD] },
      subscribe: {
        allow: [...control, EDGE_REQUEST_SUBJECT, ...ids.map((id) => edgeRequestSubject(id)), INBOX],
      },
      // The request.accepted answer goes to the request's reply inbox, and only there.
      allow_responses: true,
    };
  return {
    publish: { allow: [...lifecycle, RECORD_SUBJECT, ERROR_SUBJECT, PREVIEW_SUBJECT] },
    subscribe: {
      allow: [
        ...control,
        ...ids.map((id) => receiverLatentSubject(id)),
        ...ids.map((id) => receiverRequestSubject(id)),
        INBOX,
      ],
    },
  };
}

/** One user of the server config (public information only). */
export type Identity =
  | { name: ServiceRole; role: ServiceRole; publicKey: string }
  | { name: string; role: NodeRole; ids: string[]; publicKey: string };

export interface NatsTlsFiles {
  cert: string;
  key: string;
  /** Set to require client certificates signed by this CA too. */
  ca?: string;
}

/** How long the generated server config gives a client to authenticate, s. */
export const NATS_AUTH_TIMEOUT_S = 15;

function permissionsOf(u: Identity): NatsPermissions {
  return u.role === 'edge' || u.role === 'receiver'
    ? nodePermissions(u.role, (u as { ids: string[] }).ids)
    : servicePermissions(u.role);
}

/**
 * The nats-server config (NATS's config syntax accepts JSON): the users and, when given,
 * TLS on the client port. Listen address and port stay on the command line.
 */
export function natsServerConfig(users: readonly Identity[], tls?: NatsTlsFiles): string {
  const conf: Record<string, unknown> = {
    authorization: {
      users: users.map((u) => ({ nkey: u.publicKey, permissions: permissionsOf(u) })),
      // Seconds a client has to answer the server's nonce: the default 2 s closed the
      // connections of nodes on a lab box busy training (their first dial then timed out).
      timeout: NATS_AUTH_TIMEOUT_S,
    },
  };
  if (tls) {
    conf['tls'] = {
      cert_file: tls.cert,
      key_file: tls.key,
      ...(tls.ca ? { ca_file: tls.ca, verify: true } : {}),
      timeout: 2,
    };
  }
  return `# Generated by 'semaigc creds': users (public nkeys only) and their permissions.\n${JSON.stringify(conf, null, 2)}\n`;
}

/** A node's credential: its role, the ids it may use, its seed file. */
export interface NodeCredentials {
  name: string;
  role: NodeRole;
  ids: string[];
  file: string;
}

export interface CredentialSet {
  /** The folder: coordinator.nk, observer.nk, nodes/<name>.nk, identities.json, nats-server.conf. */
  dir: string;
  /** nats-server.conf, for `nats-server -c`. */
  serverConfig: string;
  /** The coordinator's and the observer's seed files, for `--creds`. */
  files: Record<ServiceRole, string>;
  /** One per node. */
  nodes: NodeCredentials[];
}

/** A node to make credentials for; `name` (its file's) defaults to its first id. */
export interface NodeIdentity {
  role: NodeRole;
  ids: string[];
  name?: string;
}

export const SERVER_CONFIG_FILE = 'nats-server.conf';
export const IDENTITIES_FILE = 'identities.json';

export function credsFile(dir: string, role: ServiceRole): string {
  return path.join(dir, `${role}.nk`);
}

export function nodeCredsFileOf(dir: string, name: string): string {
  return path.join(dir, 'nodes', `${name}.nk`);
}

interface IdentitiesFile {
  version: 1;
  tls?: NatsTlsFiles;
  users: Identity[];
}

function readIdentities(dir: string): IdentitiesFile {
  const file = path.join(dir, IDENTITIES_FILE);
  if (!fs.existsSync(file)) {
    // Before per-node identities, `creds init` wrote one edge.nk for every edge.
    const old = fs.existsSync(path.join(dir, 'edge.nk'));
    throw new NatsAuthError(
      old
        ? `${dir} holds role credentials from an older 'semaigc creds init' (one edge.nk and receiver.nk shared by every node, which let a node speak as another); make new ones: semaigc creds init <dir> --edge <id> --receiver <ids>`
        : `${file} is missing: not a folder made by 'semaigc creds init'`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new NatsAuthError(`${file}: not JSON`, { cause: err });
  }
  const f = parsed as Partial<IdentitiesFile>;
  if (f.version !== 1 || !Array.isArray(f.users))
    throw new NatsAuthError(`${file}: expected { version: 1, users: [...] }`);
  return f as IdentitiesFile;
}

function setOf(dir: string, f: IdentitiesFile): CredentialSet {
  const nodes: NodeCredentials[] = [];
  for (const u of f.users)
    if (u.role === 'edge' || u.role === 'receiver')
      nodes.push({ name: u.name, role: u.role, ids: [...u.ids], file: nodeCredsFileOf(dir, u.name) });
  return {
    dir,
    serverConfig: path.join(dir, SERVER_CONFIG_FILE),
    files: { coordinator: credsFile(dir, 'coordinator'), observer: credsFile(dir, 'observer') },
    nodes,
  };
}

function writeIdentities(dir: string, f: IdentitiesFile): CredentialSet {
  writePrivate(path.join(dir, IDENTITIES_FILE), `${JSON.stringify(f, null, 2)}\n`);
  writePrivate(path.join(dir, SERVER_CONFIG_FILE), natsServerConfig(f.users, f.tls));
  return setOf(dir, f);
}

/** The credentials `createCredentials` / `semaigc creds init` made in `dir`. */
export function readCredentialSet(dir: string): CredentialSet {
  return setOf(dir, readIdentities(dir));
}

/** The seed file of the node credential that holds `id`; a NatsAuthError naming the id if none does. */
export function nodeCredsFile(set: CredentialSet, id: string): string {
  const n = set.nodes.find((x) => x.ids.includes(id));
  if (!n)
    throw new NatsAuthError(
      `no node credentials for id '${id}' in ${set.dir}: semaigc creds add ${set.dir} --edge ${id} (or --receiver) makes them`,
    );
  return n.file;
}

function newNodeUser(dir: string, held: readonly Identity[], node: NodeIdentity): Identity {
  checkIds(node.role, node.ids);
  const name = node.name ?? node.ids[0]!;
  if (!isSubjectToken(name)) throw new TypeError(`credential name '${String(name)}' must be a subject token`);
  for (const u of held) {
    if (u.name === name) throw new NatsAuthError(`node credentials '${name}' exist already in ${dir}`);
    const taken = 'ids' in u ? node.ids.filter((id) => u.ids.includes(id)) : [];
    if (taken.length > 0)
      throw new NatsAuthError(`node id '${taken[0]}' is held already by credentials '${u.name}' in ${dir}`);
  }
  const kp = nkeys.createUser();
  fs.mkdirSync(path.join(dir, 'nodes'), { recursive: true, mode: 0o700 });
  writePrivate(nodeCredsFileOf(dir, name), `${new TextDecoder().decode(kp.getSeed())}\n`);
  return { name, role: node.role, ids: [...node.ids], publicKey: kp.getPublicKey() };
}

/**
 * Generates a fresh nkey for the coordinator, the observer and each node in `opts.nodes`,
 * and writes the seeds and the server config into `dir` (created 0700; every file 0600).
 * Refuses to overwrite existing credentials unless `force`.
 */
export function createCredentials(
  dir: string,
  opts: { force?: boolean; tls?: NatsTlsFiles; nodes?: readonly NodeIdentity[] } = {},
): CredentialSet {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const serverConfig = path.join(dir, SERVER_CONFIG_FILE);
  const fixed = [
    ...SERVICE_ROLES.map((r) => credsFile(dir, r)),
    serverConfig,
    path.join(dir, IDENTITIES_FILE),
  ];
  if (opts.force) fs.rmSync(path.join(dir, 'nodes'), { recursive: true, force: true });
  else {
    const existing = fixed.filter((f) => fs.existsSync(f));
    if (existing.length > 0)
      throw new NatsAuthError(
        `credentials exist already (${existing.join(', ')}); refusing to replace them (creds init --force does)`,
      );
  }
  const users: Identity[] = [];
  for (const role of SERVICE_ROLES) {
    const kp = nkeys.createUser();
    writePrivate(credsFile(dir, role), `${new TextDecoder().decode(kp.getSeed())}\n`);
    users.push({ name: role, role, publicKey: kp.getPublicKey() });
  }
  for (const node of opts.nodes ?? []) users.push(newNodeUser(dir, users, node));
  return writeIdentities(dir, { version: 1, ...(opts.tls ? { tls: opts.tls } : {}), users });
}

/**
 * Adds a node's credentials to `dir` and rewrites the server config; a running server takes
 * them after a reload (`nats-server --signal reload`, SIGHUP). Refuses an id another
 * credential holds.
 */
export function addNodeCredentials(dir: string, node: NodeIdentity): NodeCredentials {
  const f = readIdentities(dir);
  const user = newNodeUser(dir, f.users, node);
  const set = writeIdentities(dir, { ...f, users: [...f.users, user] });
  return set.nodes.find((n) => n.name === user.name)!;
}

function writePrivate(file: string, text: string): void {
  // Remove first: writeFile's mode only applies to a file it creates.
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
}

/**
 * The authenticator for a `--creds` file: an nkey seed (`SU...`, from `semaigc creds init`
 * or `nk -gen user`) or a JWT `.creds` file. Errors name the file, never its content.
 */
export function readNatsCreds(file: string): Authenticator {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new NatsAuthError(
      `cannot read NATS credentials ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        cause: err,
      },
    );
  }
  if (text.includes('BEGIN NATS USER JWT')) return credsAuthenticator(new TextEncoder().encode(text));
  const seed = text.trim();
  if (/^SU[A-Z2-7]{56}$/.test(seed)) {
    nkeys.fromSeed(new TextEncoder().encode(seed)); // throws early on a bad checksum
    return nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  throw new NatsAuthError(`${file} is neither an nkey user seed (SU...) nor a NATS .creds file`);
}

/** The start options' `natsAuthenticator` for an optional `--creds` file: `{}` when none (an open server). */
export function natsAuthFromCreds(file: string | undefined): { natsAuthenticator?: Authenticator } {
  return file ? { natsAuthenticator: readNatsCreds(file) } : {};
}
