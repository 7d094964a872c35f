/**
 * Follows a trial on a coordinator's HTTP API (GET /api/trials/:id) until it has a summary.
 * When the coordinator cannot be reached (it crashed, it is restarting) or answers 5xx, the
 * watch waits and asks again with backoff, saying so, and re-attaches when the coordinator
 * is back: a coordinator restarted on the same runs folder and NATS server knows the trial
 * (it ended it as aborted, with a summary). It gives up after `reattachS` without an answer,
 * and when the coordinator that came back does not know the trial.
 */
import type { TrialInfo } from '@semaigc/coordinator';

export const DEFAULT_TRIAL_WATCH = Object.freeze({
  pollMs: 1_000,
  /** How long the coordinator may stay away before the watch gives up. */
  reattachS: 120,
  /** Backoff between tries while it is away: doubling from pollMs up to this. */
  maxBackoffMs: 5_000,
  /** One GET may take this long before it counts as no answer. */
  requestTimeoutMs: 5_000,
});

export interface TrialWatchOptions {
  pollMs?: number;
  reattachS?: number;
  /** Progress and status lines (stderr). */
  write?: (text: string) => void;
}

/** The watch ended without a summary: the coordinator stayed away, or lost the trial. */
export class TrialWatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrialWatchError';
  }
}

type Answer = { kind: 'info'; info: TrialInfo } | { kind: 'unknown' } | { kind: 'away'; why: string };

async function ask(url: string): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(DEFAULT_TRIAL_WATCH.requestTimeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'away', why: cause?.code ?? cause?.message ?? (err as Error).message };
  }
  if (res.status === 404) return { kind: 'unknown' };
  if (!res.ok) return { kind: 'away', why: `HTTP ${res.status}` };
  return { kind: 'info', info: (await res.json()) as TrialInfo };
}

const SAY_AGAIN_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `base`'s trial `trialId` until it ends; resolves with its info (summary set). */
export async function watchTrial(
  base: string,
  trialId: string,
  o: TrialWatchOptions = {},
): Promise<TrialInfo> {
  const pollMs = o.pollMs ?? DEFAULT_TRIAL_WATCH.pollMs;
  const reattachMs = (o.reattachS ?? DEFAULT_TRIAL_WATCH.reattachS) * 1000;
  const write = o.write ?? ((t: string) => void process.stderr.write(t));
  const url = `${base}/api/trials/${encodeURIComponent(trialId)}`;
  let awaySince: number | null = null;
  let tries = 0;
  /** When the last "unreachable" line was written, and why: one line a change, else one per 30 s. */
  let said = { at: 0, why: '' };
  for (;;) {
    const a = await ask(url);
    if (a.kind === 'away') {
      awaySince ??= Date.now();
      const waited = Date.now() - awaySince;
      if (waited >= reattachMs) {
        throw new TrialWatchError(
          `coordinator ${base} unreachable for ${Math.round(waited / 1000)} s (${a.why}); gave up on trial ${trialId}`,
        );
      }
      const wait = Math.min(pollMs * 2 ** tries, DEFAULT_TRIAL_WATCH.maxBackoffMs, reattachMs - waited);
      tries += 1;
      if (a.why !== said.why || Date.now() - said.at >= SAY_AGAIN_MS) {
        said = { at: Date.now(), why: a.why };
        write(
          `\ncoordinator ${base} unreachable (${a.why}) for ${Math.round(waited / 1000)} s; trial ${trialId}: still asking, with backoff (gives up after ${Math.round(reattachMs / 1000)} s)\n`,
        );
      }
      await sleep(wait);
      continue;
    }
    if (a.kind === 'unknown') {
      throw new TrialWatchError(
        awaySince === null
          ? `coordinator ${base} does not know trial ${trialId}`
          : `coordinator ${base} came back without trial ${trialId} (its trial state was not durable: is JetStream on?)`,
      );
    }
    if (awaySince !== null) {
      write(`coordinator ${base} is back: re-attached to trial ${trialId} (${a.info.state})\n`);
      awaySince = null;
      tries = 0;
      said = { at: 0, why: '' };
    }
    const p = a.info.progress;
    write(`\rtrial ${trialId}: ${p.done}/${p.total} done, ${p.failed} failed   `);
    if (a.info.summary || a.info.error) {
      write('\n');
      return a.info;
    }
    await sleep(pollMs);
  }
}
