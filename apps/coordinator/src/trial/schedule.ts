/**
 * When a receiver's requests start: closed loop (one at a time, the next when the previous
 * one's record is in) or on the arrival schedule (arrivals.ts: fixed or Poisson offsets
 * from the trial's start, overlapping). Request i of receiver j of R is trial request i·R + j.
 */
import type { TrialConfig } from '../config/trial-config';
import { arrivalOffsetsMs } from './arrivals';

export interface ScheduleOptions {
  cfg: TrialConfig;
  /** This receiver's position j and the trial's receiver count R. */
  receiverIndex: number;
  receivers: number;
  startedAt: number;
  now: () => number;
  signal: AbortSignal;
  /** Runs trial request `index` to its written record. */
  serve: (index: number) => Promise<void>;
}

/** All of one receiver's requests; resolves when every started one has finished. */
export async function runSchedule(o: ScheduleOptions): Promise<void> {
  const { cfg, receiverIndex: j, receivers: R, signal } = o;
  const n = cfg.requestsPerReceiver;
  const offsets = arrivalOffsetsMs(cfg.arrival, cfg.seeds.base, j, R, n);
  if (!offsets) {
    for (let i = 0; i < n && !signal.aborted; i++) await o.serve(i * R + j);
    return;
  }
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < n && !signal.aborted; i++) {
    const wait = o.startedAt + offsets[i]! - o.now();
    if (wait > 0) await sleep(wait, signal);
    if (signal.aborted) break;
    tasks.push(o.serve(i * R + j));
  }
  await Promise.all(tasks);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
