/**
 * The coordinator SIGKILLed mid-trial and started again on the same runs folder and
 * nats-server. Real processes throughout: a nats-server with JetStream that admits only role
 * credentials, `semaigc coordinator`, `semaigc edge`, two `semaigc receiver`s (the real
 * bundle), `semaigc trial run` following the trial, and an observer on NATS that sees which
 * requests went out and which records were published. One receiver (B) is killed with the
 * coordinator, so its requests in flight can never be answered; the other (A) goes on and
 * publishes records while no coordinator runs. Never asserts: the test and the faults bench
 * read the measure. Needs `npm run build` (the CLI's dist).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrialInfo } from '@semaigc/coordinator';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  createCredentials,
  nodeCredsFile,
  freePort,
  readNatsCreds,
  startNatsServer,
  type NatsServer,
} from '@semaigc/node-kit';
import {
  decode,
  EDGE_REQUEST_SUBJECT,
  parseRecord,
  RECORD_SUBJECT,
  type RecordMessage,
  SUBJECT_PREFIX,
} from '@semaigc/protocol';
import { CLI } from '../../helpers/lab';
import { linesOf, waitFor } from '../helpers';

export const RESTART_TRIAL = 'restart-1';
const TRIAL = RESTART_TRIAL;

function role(
  args: string[],
  children: ChildProcess[],
  outputs: { args: string[]; out: string[]; err: string[] }[],
): { child: ChildProcess; out: string[]; err: string[] } {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SEMAIGC_LOG_LEVEL: 'warn' },
  });
  children.push(child);
  const o = { args, out: linesOf(child.stdout), err: linesOf(child.stderr) };
  outputs.push(o);
  return { child, ...o };
}

/**
 * `semaigc coordinator`, up when it prints its dashboard line. A loaded machine can make its
 * first NATS connect time out (it then exits 1, naming it): started again, at most 3 times.
 */
async function startCoordinatorProcess(
  args: string[],
  spawnRole: (args: string[]) => ReturnType<typeof role>,
): Promise<ReturnType<typeof role>> {
  for (let i = 0; ; i++) {
    const c = spawnRole(args);
    const exited = new Promise<'exited'>((r) => c.child.once('exit', () => r('exited')));
    const up = waitFor(
      () => c.out.some((l) => l.startsWith('coordinator: dashboard')) || c.child.exitCode !== null,
      120_000,
    );
    if ((await Promise.race([up, exited])) !== 'exited' && c.child.exitCode === null) return c;
    if (i === 2) throw new Error(`coordinator did not start: ${c.err.join(' | ')}`);
  }
}

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return exited;
}

/** Like waitFor, for a probe that has to ask over HTTP. */
async function waitForAsync(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function readLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

export interface RestartMeasure {
  scenario: string;
  /** Requests the wire saw going out, and to which receiver. */
  sent: Map<string, string>;
  /** Requests whose record A published while no coordinator ran. */
  publishedWhileDown: string[];
  /** B's requests out at the kill (never answerable). */
  unansweredB: string[];
  rxAAlive: boolean;
  cliCode: number | null | 'timeout';
  cliErr: string;
  infoStatus: number;
  info: TrialInfo | null;
  summaryFile: boolean;
  summary: { requests: number; planned: number } | null;
  /** records.jsonl before the kill and after the restart. */
  before: string;
  after: string;
  written: RecordMessage[];
  /** From starting the new coordinator to the CLI's exit (the trial listed as ended). */
  recoveryMs: number;
}

export async function coordinatorRestart(): Promise<RestartMeasure> {
  const children: ChildProcess[] = [];
  const outputs: { args: string[]; out: string[]; err: string[] }[] = [];
  const spawnRole = (args: string[]) => role(args, children, outputs);
  let dir = '';
  let nats: NatsServer | null = null;
  let observer: NatsConnection | null = null;
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-fault-restart-'));
    const creds = createCredentials(path.join(dir, 'creds'), {
      nodes: [
        { role: 'edge', ids: ['edge-1'] },
        { role: 'receiver', ids: ['rxa-0'] },
        { role: 'receiver', ids: ['rxb-0'] },
      ],
    });
    const server = await startNatsServer({ jetstream: true, args: ['-c', creds.serverConfig] });
    nats = server;
    const runs = path.join(dir, 'runs');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const token = randomBytes(16).toString('hex');
    // The coordinator's credentials, or node `id`'s own.
    const natsArgs = (who: 'coordinator' | { node: string }): string[] => [
      '--nats',
      server.url,
      '--creds',
      who === 'coordinator' ? creds.files.coordinator : nodeCredsFile(creds, who.node),
    ];
    const coordinatorArgs = [
      'coordinator',
      ...natsArgs('coordinator'),
      '--port',
      String(port),
      '--runs',
      runs,
      '--token',
      token,
    ];

    // What went out and what came back, as the wire saw it.
    const obs = await connect({
      servers: server.url,
      authenticator: readNatsCreds(creds.files.observer),
      timeout: 60_000,
    });
    observer = obs;
    const sent = new Map<string, string>(); // requestId → receiverId
    const published = new Map<string, number>(); // requestId → first time a record for it was published
    const watch = (subject: string, on: (bytes: Uint8Array) => void): void => {
      obs.subscribe(subject, {
        callback: (err, m) => {
          if (!err) on(m.data);
        },
      });
    };
    const onRequest = (bytes: Uint8Array): void => {
      const m = decode(bytes);
      if (m.type === 'request' && m.trialId === TRIAL) sent.set(m.requestId, m.receiverId);
    };
    watch(EDGE_REQUEST_SUBJECT, onRequest);
    watch(`${SUBJECT_PREFIX}.edge.*.request`, onRequest);
    watch(RECORD_SUBJECT, (bytes) => {
      const m = decode(bytes);
      if (m.type === 'record' && m.trialId === TRIAL && !published.has(m.requestId))
        published.set(m.requestId, Date.now());
    });
    await obs.flush();

    // Receivers at compute share 0.02 take far longer per job than the 100 ms between
    // requests, on an idle machine too, so requests are in flight when the coordinator dies.
    let coordinator = await startCoordinatorProcess(coordinatorArgs, spawnRole);
    spawnRole(['edge', ...natsArgs({ node: 'edge-1' }), '--id', 'edge-1', '--threads', '1']);
    const receiver = (prefix: string) =>
      spawnRole([
        'receiver',
        ...natsArgs({ node: `${prefix}-0` }),
        '--id-prefix',
        prefix,
        '--compute-share',
        '0.02',
      ]);
    const rxA = receiver('rxa');
    const rxB = receiver('rxb');
    const nodes = async (): Promise<{ nodeId: string; status: string }[]> => {
      try {
        return (await (await fetch(`${base}/api/nodes`)).json()) as { nodeId: string; status: string }[];
      } catch {
        return [];
      }
    };
    let online: string[] = [];
    await waitForAsync(async () => {
      online = (await nodes()).filter((n) => n.status === 'online').map((n) => n.nodeId);
      return ['edge-1', 'rxa-0', 'rxb-0'].every((id) => online.includes(id));
    }, 180_000).catch((err: unknown) => {
      throw new Error(
        `nodes not online (${online.join(', ')}): ${String(err)}\n${coordinator.err.join('\n')}`,
      );
    });

    const config = path.join(dir, 'trial.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        id: TRIAL,
        name: 'restart',
        prompts: ['a small red circle in the centre on a blue background'],
        totalSteps: 6,
        policy: { kind: 'fixed', edgeSteps: 2 },
        requestsPerReceiver: 15,
        arrival: { kind: 'fixed', intervalMs: 100 },
        receivers: { ids: ['rxa-0', 'rxb-0'], waitS: 30 },
        latency: { minS: 1, maxS: 100, failureS: 600 },
      }),
    );
    const cli = spawnRole([
      'trial',
      'run',
      config,
      '--coordinator',
      base,
      '--token',
      token,
      '--reattach',
      '180',
    ]);
    const cliExit = new Promise<number | null>((resolve) => cli.child.once('exit', (code) => resolve(code)));

    // Kill when records are on disk and both receivers have requests out unanswered.
    const records = path.join(runs, TRIAL, 'records.jsonl');
    const open = (rx: string): string[] =>
      [...sent].filter(([id, r]) => r === rx && !published.has(id)).map(([id]) => id);
    await waitFor(
      () => readLines(records).length >= 2 && open('rxa-0').length > 0 && open('rxb-0').length > 0,
      180_000,
    );
    await Promise.all([killed(coordinator.child), killed(rxB.child)]);
    const killedAt = Date.now();
    const before = fs.readFileSync(records, 'utf8');
    const unansweredB = open('rxb-0');

    // A goes on while no coordinator runs: wait until it has published a record (its request
    // may be behind others in the edge's queue; minutes on a loaded 2-core machine).
    await waitFor(() => [...published.values()].some((t) => t > killedAt), 300_000);
    const publishedWhileDown = [...published].filter(([, t]) => t > killedAt).map(([id]) => id);
    const rxAAlive = rxA.child.exitCode === null;

    const backAt = Date.now();
    coordinator = await startCoordinatorProcess(coordinatorArgs, spawnRole);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      cliExit,
      new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), 180_000);
      }),
    ]);
    clearTimeout(timer);
    const cliEndedAt = Date.now();
    const cliErr = cli.err.join('\n');
    const res = await fetch(`${base}/api/trials/${TRIAL}`);
    const info = res.status === 200 ? ((await res.json()) as TrialInfo) : null;
    const summaryFile = path.join(runs, TRIAL, 'summary.json');
    const after = fs.readFileSync(records, 'utf8');
    const written: RecordMessage[] = after
      .split('\n')
      .filter(Boolean)
      .map((l) => parseRecord(JSON.parse(l)));
    return {
      scenario: 'coordinator SIGKILL + restart',
      sent,
      publishedWhileDown,
      unansweredB,
      rxAAlive,
      cliCode: code,
      cliErr,
      infoStatus: res.status,
      info,
      summaryFile: fs.existsSync(summaryFile),
      summary: fs.existsSync(summaryFile)
        ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as { requests: number; planned: number })
        : null,
      before,
      after,
      written,
      recoveryMs: cliEndedAt - backAt,
    };
  } finally {
    await Promise.all(children.map(killed));
    // The processes' own output, for a failure that needs it: SEMAIGC_FAULT_LOGS=<file>.
    const logs = process.env['SEMAIGC_FAULT_LOGS'];
    if (logs)
      fs.writeFileSync(
        logs,
        outputs
          .map((o) => [`$ semaigc ${o.args[0]} ${o.args[1] ?? ''}`, ...o.out, ...o.err].join('\n'))
          .join('\n\n'),
      );
    await observer?.close().catch(() => undefined);
    await nats?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
