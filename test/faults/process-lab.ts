/**
 * The process lab of the outage and freeze faults: credentials (what `semaigc creds init`
 * writes; each node's own made when it starts, as `semaigc creds add` does, and loaded by a
 * server reload), a real nats-server that admits only them and can be taken down and
 * brought back on the same port, a real coordinator (in this process, so the test reads its
 * registry, logs and /healthz), and edges and headless receivers as separate
 * `semaigc edge` / `semaigc receiver` processes, each with its own credentials, so a
 * fault can stop or freeze one (SIGSTOP) like a real lab machine. Needs `npm run build`
 * (the CLI's dist). test/faults/*.test.ts and `npm run bench -- faults` share it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type CoordinatorHandle, startCoordinator, type TrialConfigInput } from '@semaigc/coordinator';
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
import pino from 'pino';

const REPO = path.join(__dirname, '..', '..');
export const CLI = path.join(REPO, 'apps', 'cli', 'dist', 'main.js');
const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'];
/** util-linux's setpriv: a node process dies with the test even if the test is killed. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p)) ?? null;

/** One pino line (a node's stdout, or the coordinator's log). */
export interface LogLine {
  level: number;
  msg: string;
  time: number;
  [k: string]: unknown;
}

/** A node process: `semaigc edge` or `semaigc receiver`. */
export interface NodeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly ids: string[];
  /** Its pino lines so far (stdout; SEMAIGC_LOG_LEVEL=info). */
  logs(): LogLine[];
  /** Its stderr, for the exit message of a node that gave up. */
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) once it exits. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface ProcessLab {
  dir: string;
  creds: CredentialSet;
  coord: CoordinatorHandle;
  runsDir: string;
  /** The coordinator's log lines. */
  log: LogLine[];
  readonly natsUrl: string;
  /** Stops nats-server (its clients see the link drop). */
  stopNats(): Promise<void>;
  /** Starts it again on the same port, with the same credentials unless given another config. */
  startNats(serverConfig?: string): Promise<void>;
  /** `computeShare` < 1 stretches each step (so work queues up at the edge). */
  edge(id: string, computeShare?: number): Promise<NodeProcess>;
  receiver(idPrefix: string): Promise<NodeProcess>;
  /** A raw NATS client with the coordinator's or observer's credentials (closed with the lab). */
  client(role: ServiceRole): Promise<NatsConnection>;
  /** Makes node credentials for `ids` and reloads the server: their seed file. */
  nodeCreds(role: NodeRole, ids: string[]): Promise<string>;
  /** GET /healthz: its status code and body. */
  health(): Promise<{ status: number; body: { ok: boolean; nats: string } }>;
  close(): Promise<void>;
}

export interface ProcessLabOptions {
  /** The coordinator's heartbeat interval and node timeout, ms (what it asks nodes for). */
  heartbeatIntervalMs?: number;
  nodeTimeoutMs?: number;
}

/** Polls `probe` every 50 ms until it returns something truthy; throws after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  timeoutMs: number,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function parseLines(buf: string[]): LogLine[] {
  const out: LogLine[] = [];
  for (const l of buf) {
    if (!l.startsWith('{')) continue;
    try {
      out.push(JSON.parse(l) as LogLine);
    } catch {
      // a line cut by the process's exit
    }
  }
  return out;
}

/** Spawns `semaigc <args>` (a node role) as a process that dies with this one. */
export function spawnNode(args: string[], ids: string[]): NodeProcess {
  const argv = [CLI, ...args, ...(BUNDLE_DIR ? ['--bundle', BUNDLE_DIR] : [])];
  const [command, full] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', process.execPath, ...argv]]
    : [process.execPath, argv];
  const child = spawn(command, full, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SEMAIGC_LOG_LEVEL: 'info', SEMAIGC_DEBUG: '1' },
  });
  const out: string[] = [];
  let rest = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => {
    const parts = (rest + b.toString()).split('\n');
    rest = parts.pop() ?? '';
    out.push(...parts);
  });
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid ?? -1,
    ids,
    logs: () => parseLines(out),
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT'); // a frozen node cannot act on SIGTERM
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function startProcessLab(o: ProcessLabOptions = {}): Promise<ProcessLab> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-faults-proc-'));
  const creds = createCredentials(path.join(dir, 'creds'));
  const serverArgs = ['-c', creds.serverConfig];
  let nats: NatsServer = await startNatsServer({ jetstream: false, args: serverArgs });
  const port = nats.port;
  const natsUrl = nats.url;
  const runsDir = path.join(dir, 'runs');
  const log: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void log.push(JSON.parse(s) as LogLine) });
  const auth = (role: ServiceRole) => readNatsCreds(creds.files[role]);
  const nodeCreds = async (role: NodeRole, ids: string[]): Promise<string> => {
    const { file } = addNodeCredentials(creds.dir, { role, ids });
    await nats.reload();
    return file;
  };
  const nodes: NodeProcess[] = [];
  const clients: NatsConnection[] = [];
  let coord: CoordinatorHandle;
  try {
    coord = await startCoordinator({
      natsUrl,
      natsAuthenticator: auth('coordinator'),
      runsDir,
      logger,
      heartbeatIntervalMs: o.heartbeatIntervalMs ?? 500,
      nodeTimeoutMs: o.nodeTimeoutMs ?? 2500,
      dashboardRoot: path.join(dir, 'no-dashboard'),
    });
  } catch (err) {
    await nats.stop();
    throw err;
  }
  const started = async (p: NodeProcess): Promise<NodeProcess> => {
    nodes.push(p);
    // Loading the bundle takes a while on a busy machine; the node is ready once online.
    await Promise.race([
      waitFor(
        () => p.ids.every((id) => coord.registry.get(id)?.status === 'online'),
        120_000,
        `${p.ids.join(', ')} online`,
      ),
      p.exited.then((code) => {
        throw new Error(
          `${p.ids.join(', ')} exited (${code}) before coming online: ${p.stderr().slice(-500)}`,
        );
      }),
    ]);
    return p;
  };
  return {
    dir,
    creds,
    coord,
    runsDir,
    log,
    natsUrl,
    stopNats: () => nats.stop(),
    async startNats(serverConfig) {
      const args = serverConfig ? ['-c', serverConfig] : serverArgs;
      nats = await startNatsServer({ jetstream: false, args, port });
    },
    nodeCreds,
    edge: async (id, computeShare = 1) =>
      started(
        spawnNode(
          [
            'edge',
            ...['--nats', natsUrl, '--creds', await nodeCreds('edge', [id]), '--id', id, '--threads', '1'],
            ...['--compute-share', String(computeShare)],
          ],
          [id],
        ),
      ),
    receiver: async (idPrefix) => {
      const ids = [`${idPrefix}-0`];
      const file = await nodeCreds('receiver', ids);
      return started(
        spawnNode(
          ['receiver', '--nats', natsUrl, '--creds', file, '--id-prefix', idPrefix, '--threads', '1'],
          ids,
        ),
      );
    },
    async client(role) {
      const nc = await connect({ servers: natsUrl, authenticator: auth(role), maxReconnectAttempts: -1 });
      clients.push(nc);
      return nc;
    },
    async health() {
      const res = await fetch(`${coord.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { ok: boolean; nats: string } };
    },
    async close() {
      for (const nc of clients) await nc.close().catch(() => undefined);
      await Promise.all(nodes.map((n) => n.stop()));
      await coord.close();
      await nats.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The lines of a trial's records.jsonl. */
export function trialRecords(lab: Pick<ProcessLab, 'runsDir'>, trialId: string): RecordMessage[] {
  const file = path.join(lab.runsDir, trialId, 'records.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => parseRecord(JSON.parse(l)));
}

/** A trial of `n` requests for one receiver: a = 5 of T̂ = 10, `intervalMs` apart. */
export function faultTrial(
  name: string,
  receiverId: string,
  n: number,
  over: Partial<TrialConfigInput> = {},
): TrialConfigInput {
  return {
    name,
    prompts: [
      'a small red circle in the centre on a blue background',
      'a large green square at the top on a white background',
    ],
    seeds: 7,
    totalSteps: 10,
    policy: { kind: 'fixed', edgeSteps: 5 },
    snr: { kind: 'constant', snrDb: 10 },
    requestsPerReceiver: n,
    arrival: { kind: 'fixed', intervalMs: 250 },
    receivers: { ids: [receiverId], waitS: 60 },
    // Generous: on a busy 2-core machine a request may queue for seconds; nothing here is
    // about latency, only about every request ending in a record.
    latency: { minS: 1, maxS: 60, failureS: 180 },
    ...over,
  };
}
