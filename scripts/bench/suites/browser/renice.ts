/**
 * Keeps the benchmark's Chromium at the benchmark's own priority. Timed jobs run at
 * `nice -n -10` and a child inherits that, but Chromium's zygotes fork the renderers at nice 0
 * (background ones at +5): the page under test ran at the priority of everybody's untimed
 * work, so "under the lock at nice -10" protected onnxruntime-node and not the page. Linux nice
 * is per thread, and the page's workers and ORT's pthreads start during each visit, so this
 * re-applies the benchmark's nice value to every thread of every process below it, every
 * RENICE_POLL_MS, until stopped. Linux only; a no-op when the benchmark is not niced below 0.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Threads ORT starts live for the whole visit; a new one waits at most this long. */
export const RENICE_POLL_MS = 500;

export interface ReniceReport {
  /** The benchmark's nice value, applied to its Chromium. */
  target: number;
  /** Threads set to `target` (a thread counts once per change). */
  reniced: number;
  /** Threads whose nice could not be set (other than ones that exited meanwhile). */
  failed: number;
  lastError: string | null;
}

function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields follow the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(Number(name));
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Starts holding the benchmark's descendants at its nice value; `stop` ends it and reports. */
export function holdPriority(): { stop(): ReniceReport } {
  const target = os.getPriority();
  const report: ReniceReport = { target, reniced: 0, failed: 0, lastError: null };
  if (process.platform !== 'linux' || target >= 0) return { stop: () => report };
  const tick = (): void => {
    for (const pid of descendantsOf(process.pid)) {
      let tids: string[];
      try {
        tids = fs.readdirSync(`/proc/${pid}/task`);
      } catch {
        continue;
      }
      for (const t of tids) {
        try {
          if (os.getPriority(Number(t)) === target) continue;
          os.setPriority(Number(t), target);
          report.reniced += 1;
        } catch (err) {
          // ESRCH: the thread exited between the listing and the call.
          if ((err as { info?: { code?: string } }).info?.code === 'ESRCH') continue;
          report.failed += 1;
          report.lastError = err instanceof Error ? err.message : String(err);
        }
      }
    }
  };
  tick();
  const timer = setInterval(tick, RENICE_POLL_MS);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return report;
    },
  };
}
