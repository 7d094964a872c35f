/**
 * For the compute-share pad tests of the receiver and the edge: a real SIGSTOP/SIGCONT inside
 * a real model step, and a sleep that records the pads a node asks for.
 *
 * The pause is placed from inside the step, so it is never in a pad by chance: the real
 * onnxruntime-node, whose session run, once armed, ends with this very process stopped
 * (SIGSTOP) and continued `ms` later by a shell it started (SIGCONT). A stopped process burns
 * no CPU, as an operator's SIGSTOP of a node.
 */
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { type OrtModule, SplitPipeline } from '@semaigc/diffusion';
import { DEFAULT_BUNDLE_DIR, dirBundleSource } from '@semaigc/models';
import { processCpuMs } from '@semaigc/node-kit';
import { timerSleep } from '@semaigc/protocol';

/** Stops this process with SIGSTOP; a background shell sends SIGCONT after `ms`. */
export function sigstopSelf(ms: number): void {
  const pid = process.pid;
  // The shell exits once it has sent SIGSTOP; its background child outlives it and continues
  // this process, which only then returns from spawnSync.
  const r = spawnSync(
    'sh',
    ['-c', `(sleep ${(ms / 1000).toFixed(3)}; kill -CONT ${pid}) >/dev/null 2>&1 & kill -STOP ${pid}`],
    { stdio: 'ignore' },
  );
  if (r.status !== 0)
    throw new Error(`sigstopSelf: the shell failed (status ${r.status}, ${r.error?.message})`);
}

export interface StoppingPipeline {
  /** The default bundle (or SEMAIGC_BUNDLE_DIR) on one intra-op thread: a step's CPU time is its compute. */
  pipeline: SplitPipeline;
  /** The next model run, whichever session, ends with the process stopped `ms`. */
  stopAfterNextRun(ms: number): void;
  /** How many stops happened. */
  stops(): number;
}

/** The split pipeline on the real onnxruntime-node, each session run followed by a stop when one is armed. */
export async function stoppingPipeline(): Promise<StoppingPipeline> {
  let armedMs = 0;
  let stops = 0;
  const module: OrtModule = {
    ...(ort as unknown as OrtModule),
    InferenceSession: {
      async create(buffer, options) {
        const session = await ort.InferenceSession.create(buffer, options);
        const run = session.run.bind(session);
        session.run = (async (...args: Parameters<typeof run>) => {
          const out = await run(...args);
          if (armedMs > 0) {
            const ms = armedMs;
            armedMs = 0;
            sigstopSelf(ms);
            stops += 1;
          }
          return out;
        }) as typeof session.run;
        return session;
      },
    },
  };
  const pipeline = await SplitPipeline.load(
    dirBundleSource(process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR),
    module,
    { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' } },
  );
  return { pipeline, stopAfterNextRun: (ms) => void (armedMs = ms), stops: () => stops };
}

export interface PadRecorder {
  /** The node's sleep: records each pad, then waits it for real (protocol's timerSleep). */
  sleep: (ms: number) => Promise<number>;
  pads: number[];
  /**
   * The emulated share step by step: for each pad after the first, the process CPU time from
   * the end of the previous pad to the start of this one (the step's compute) over the wall
   * time from the end of the previous pad to the end of this one (the step and its pad);
   * the median of those. CPU other threads (GC, the JIT) burnt while the node slept is no
   * step's work and is left out. The median: a step that waited for the CPU on a loaded
   * machine is rightly not padded, and reads low; it is the machine's share, not the pad's.
   * NaN before a second pad.
   */
  medianStepShare(): number;
}

/** `afterPad(n)` runs after the n-th pad (1-based), e.g. to arm a stop inside the next step. */
export function padRecorder(afterPad: (n: number) => void = () => undefined): PadRecorder {
  const pads: number[] = [];
  const shares: number[] = [];
  let last: { cpu: number; at: number } | null = null;
  return {
    pads,
    async sleep(ms) {
      pads.push(ms);
      const cpu = processCpuMs();
      const slept = await timerSleep(ms);
      const end = { cpu: processCpuMs(), at: performance.now() };
      if (last) shares.push((cpu - last.cpu) / (end.at - last.at));
      last = end;
      afterPad(pads.length);
      return slept;
    },
    medianStepShare: () => {
      const sorted = [...shares].sort((a, b) => a - b);
      const mid = sorted.length / 2;
      return sorted.length === 0
        ? NaN
        : sorted.length % 2
          ? sorted[Math.floor(mid)]!
          : (sorted[mid - 1]! + sorted[mid]!) / 2;
    },
  };
}
