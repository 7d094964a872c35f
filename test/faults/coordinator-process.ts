/**
 * `semaigc coordinator` as a process of its own, for the faults that kill it (SIGKILL,
 * SIGSTOP) and start it again on the same runs folder and nats-server. Needs `npm run build`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from '../helpers/lab';
import { linesOf, waitFor } from './helpers';

export interface CoordinatorProcess {
  child: ChildProcess;
  out: string[];
  err: string[];
}

/** Spawns `semaigc coordinator <args>` (logs at warn); `started` waits until it serves. */
export function coordinatorProcess(args: string[]): CoordinatorProcess {
  const child = spawn(process.execPath, [CLI, 'coordinator', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SEMAIGC_LOG_LEVEL: 'warn' },
  });
  return { child, out: linesOf(child.stdout), err: linesOf(child.stderr) };
}

/** Up when it prints its dashboard line; throws with its stderr if it exits first. */
export async function started(c: CoordinatorProcess, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    () => c.out.some((l) => l.startsWith('coordinator: dashboard')) || c.child.exitCode !== null,
    timeoutMs,
  );
  if (c.child.exitCode !== null) throw new Error(`coordinator exited: ${c.err.join(' | ')}`);
}

/** Whether the process has ended (exit or signal). */
export function ended(c: CoordinatorProcess): boolean {
  return c.child.exitCode !== null || c.child.signalCode !== null;
}

/**
 * The restart faults' trial: `n` requests for one browser receiver, a = 5 of T̂ = 10 at
 * 10 dB, generous latency limits (nothing here is about latency).
 */
export function browserTrial(
  id: string,
  receiverId: string,
  n: number,
  waitS: number,
): Record<string, unknown> {
  return {
    id,
    name: id,
    prompts: ['a small red circle in the centre on a blue background'],
    totalSteps: 10,
    policy: { kind: 'fixed', edgeSteps: 5 },
    snr: { kind: 'constant', snrDb: 10 },
    requestsPerReceiver: n,
    receivers: { ids: [receiverId], waitS },
    latency: { minS: 1, maxS: 60, failureS: 300 },
  };
}

/** POSTs a JSON trial config to `base` with the API token (and the page's own Origin). */
export function postTrialTo(base: string, token: string, config: unknown): Promise<Response> {
  return fetch(`${base}/api/trials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: base },
    body: JSON.stringify(config),
  });
}

/**
 * GET /api/trials/:id until the trial is listed and no longer running: a restarted
 * coordinator lists a trial it found running at once and ends it after its restart grace.
 */
export async function trialInfoWhenEnded(
  base: string,
  trialId: string,
  timeoutMs = 60_000,
): Promise<{ state: string; summary?: unknown }> {
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    const res = await fetch(`${base}/api/trials/${trialId}`).catch(() => null);
    const info = res?.status === 200 ? ((await res.json()) as { state: string; summary?: unknown }) : null;
    if (info && info.state !== 'running') return info;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`trial ${trialId} not listed as ended by ${base} within ${timeoutMs} ms`);
}
