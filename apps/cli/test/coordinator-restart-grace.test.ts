/**
 * `semaigc coordinator --restart-grace-ms <ms>`: a bad value is refused naming the flag, and a
 * good one is the grace a restarted coordinator waits. The second test runs real processes:
 * a nats-server with JetStream, `semaigc coordinator` SIGKILLed mid-trial and started again on
 * the same runs folder with the flag, the coordinator tests' protocol stand-ins as the edge
 * and the receiver (the receiver gone with the first coordinator). The restarted
 * coordinator's own log says which grace it waits and which receivers it waited for. Needs
 * `npm run build` (the CLI's dist).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type NatsServer, startNatsServer } from '@semaigc/testkit';
import { TestEdge, TestReceiver } from '../../coordinator/test/helpers';
import { CLI } from '../../../test/helpers/lab';
import { linesOf, waitFor } from '../../../test/faults/helpers';
import { browserTrial, postTrialTo, trialInfoWhenEnded } from '../../../test/faults/coordinator-process';
import { coordinatorCommand } from '../src/commands/live';
import { expectRefused } from './refused-option';

describe('--restart-grace-ms is checked before anything starts', () => {
  test.each(['-1', '1.5', 'soon', '3600001', ''])('%j is refused, naming the flag', async (value) => {
    await expectRefused(
      coordinatorCommand(),
      ['--nats', 'nats://127.0.0.1:4222', '--restart-grace-ms', value],
      `--restart-grace-ms must be an integer in [0, 3600000], got '${value}'`,
      "option '--restart-grace-ms <ms>' argument",
    );
  });
});

interface Proc {
  child: ChildProcess;
  out: string[];
  err: string[];
}

const GRACE_MS = 1500;
const TRIAL = 'grace-flag-1';
const procs: Proc[] = [];
let dir: string | null = null;
let nats: NatsServer | null = null;
let edge: TestEdge | null = null;
let receiver: TestReceiver | null = null;

afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await receiver?.close().catch(() => undefined);
  await edge?.close().catch(() => undefined);
  await nats?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** `semaigc coordinator <args>` at log level info: its pino lines are JSON on stdout. */
function coordinator(args: string[]): Proc {
  const child = spawn(process.execPath, [CLI, 'coordinator', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SEMAIGC_LOG_LEVEL: 'info' },
  });
  const p = { child, out: linesOf(child.stdout), err: linesOf(child.stderr) };
  procs.push(p);
  return p;
}

/** The origin of the dashboard line it prints once it serves; throws with its stderr if it exits. */
async function served(p: Proc): Promise<string> {
  const line = await waitFor(
    () => p.out.find((l) => l.startsWith('coordinator: dashboard')) ?? p.child.exitCode !== null,
    120_000,
  );
  if (typeof line !== 'string') throw new Error(`coordinator exited: ${p.err.join(' | ')}`);
  return new URL(line.split(' ')[2]!.replace(/,$/, '')).origin;
}

/** Its JSON log lines with this message. */
function logged(p: Proc, msg: string): Record<string, unknown>[] {
  return p.out
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['msg'] === msg);
}

test('a restarted coordinator waits the grace the flag gives for the receivers of a trial left running', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-grace-flag-'));
  nats = await startNatsServer({ jetstream: true });
  const token = randomBytes(16).toString('hex');
  const args = ['--nats', nats.url, '--port', '0', '--runs', path.join(dir, 'runs'), '--token', token];

  const first = coordinator(args);
  const firstBase = await served(first);
  edge = await new TestEdge('edge-1').start(nats.url);
  // A receiver that takes its latent and never answers: the trial is still running at the kill.
  receiver = await new TestReceiver('rx-1', { silent: true }).start(nats.url);
  const posted = await postTrialTo(firstBase, token, browserTrial(TRIAL, 'rx-1', 2, 30));
  expect(posted.status).toBe(202);
  await waitFor(() => receiver!.payloads.length > 0, 60_000);
  first.child.kill('SIGKILL');
  await receiver.close();
  receiver = null;

  const second = coordinator([...args, '--restart-grace-ms', String(GRACE_MS)]);
  const base = await served(second);
  const waiting = logged(
    second,
    'trials left running by the previous coordinator: waiting for their receivers to re-send before ending them',
  );
  expect(waiting).toEqual([expect.objectContaining({ graceMs: GRACE_MS, receivers: ['rx-1'] })]);
  // rx-1 never came back, so the whole grace was waited out (a bound, not a speed).
  const over = logged(second, 'restart grace over without these receivers');
  expect(over).toEqual([expect.objectContaining({ missing: ['rx-1'] })]);
  expect(over[0]!['waitedMs']).toBeGreaterThanOrEqual(GRACE_MS);
  expect(await trialInfoWhenEnded(base, TRIAL)).toMatchObject({
    state: 'aborted',
    summary: { status: 'aborted', reason: 'coordinator restarted' },
  });
}, 300_000);
