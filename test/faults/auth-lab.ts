/**
 * The fault tests' lab: credentials from `createCredentials` (what `semaigc creds init`
 * writes), a real nats-server that admits only them, and a real coordinator connected as
 * the coordinator role. Nodes are the coordinator tests' protocol-speaking stand-ins
 * (apps/coordinator/test/helpers.ts), each connected with its own node credentials (made on
 * first use with `addNodeCredentials`, then the server reloads, as `semaigc creds add`
 * does): what is under test is what the broker and the coordinator let through, not
 * inference.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Authenticator, connect, type NatsConnection } from '@nats-io/transport-node';
import { type CoordinatorHandle, startCoordinator } from '@semaigc/coordinator';
import {
  addNodeCredentials,
  createCredentials,
  type CredentialSet,
  type NodeRole,
  readNatsCreds,
  type ServiceRole,
  startNatsServer,
  type NatsServer,
} from '@semaigc/node-kit';
import { parseRecord, type RecordMessage } from '@semaigc/protocol';
import { captureLogger, type LogLine } from '../../apps/coordinator/test/helpers';

/**
 * The auth lab's liveness rule. Generous on purpose: the probes run beside browser tests on a
 * 2-core CI machine, where a 150 ms beat against a 500 ms timeout let real nodes fall offline
 * under load (seen once at load 10), which a lifecycle probe would misread as a forged bye.
 */
export const AUTH_LAB_HEARTBEAT_MS = 400;
export const AUTH_LAB_NODE_TIMEOUT_MS = 2000;

export interface AuthLab {
  dir: string;
  creds: CredentialSet;
  nats: NatsServer;
  coord: CoordinatorHandle;
  runsDir: string;
  log: LogLine[];
  /** A raw NATS client with the coordinator's or the observer's credentials. */
  client(role: ServiceRole): Promise<NatsConnection>;
  auth(role: ServiceRole): Authenticator;
  /** Node `id`'s credentials (made and loaded by the server on first use). */
  nodeAuth(role: NodeRole, id: string): Promise<Authenticator>;
  /** A raw NATS client with node `id`'s credentials. */
  nodeClient(role: NodeRole, id: string): Promise<NatsConnection>;
  close(): Promise<void>;
}

export async function startAuthLab(): Promise<AuthLab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-faults-'));
  const creds = createCredentials(path.join(dir, 'creds'));
  const nats = await startNatsServer({ jetstream: false, args: ['-c', creds.serverConfig] });
  const runsDir = path.join(dir, 'runs');
  const log = captureLogger();
  const auth = (role: ServiceRole) => readNatsCreds(creds.files[role]);
  const nodeFiles = new Map<string, string>();
  const nodeAuth = async (role: NodeRole, id: string): Promise<Authenticator> => {
    let file = nodeFiles.get(id);
    if (!file) {
      file = addNodeCredentials(creds.dir, { role, ids: [id] }).file;
      await nats.reload();
      nodeFiles.set(id, file);
    }
    return readNatsCreds(file);
  };
  let coord: CoordinatorHandle;
  try {
    coord = await startCoordinator({
      natsUrl: nats.url,
      natsAuthenticator: auth('coordinator'),
      runsDir,
      logger: log.logger,
      heartbeatIntervalMs: AUTH_LAB_HEARTBEAT_MS,
      nodeTimeoutMs: AUTH_LAB_NODE_TIMEOUT_MS,
      dashboardRoot: path.join(dir, 'no-dashboard'),
    });
  } catch (err) {
    await nats.stop();
    throw err;
  }
  const clients: NatsConnection[] = [];
  return {
    dir,
    creds,
    nats,
    coord,
    runsDir,
    log: log.lines,
    auth,
    nodeAuth,
    async client(role) {
      const nc = await connect({ servers: nats.url, authenticator: auth(role) });
      clients.push(nc);
      return nc;
    },
    async nodeClient(role, id) {
      const nc = await connect({ servers: nats.url, authenticator: await nodeAuth(role, id) });
      clients.push(nc);
      return nc;
    },
    async close() {
      for (const nc of clients) await nc.close().catch(() => undefined);
      await coord.close();
      await nats.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The lines of runs/<trial>/records.jsonl. */
export function readRecords(runsDir: string, trialId: string): RecordMessage[] {
  return fs
    .readFileSync(path.join(runsDir, trialId, 'records.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => parseRecord(JSON.parse(l)));
}

/** The permission errors the server reports to `nc` (nats.js status events), as they come. */
export function permissionErrors(nc: NatsConnection): { list: string[] } {
  const list: string[] = [];
  // Ends when the connection closes.
  void (async () => {
    for await (const s of nc.status())
      if (s.type === 'error') list.push(String((s as { error?: unknown }).error));
  })();
  return { list };
}
