/**
 * A stated per-step time: a request may ask the edge and the receiver to take at least this
 * long per denoising step (at full compute share), padding each step by waiting. It lets a
 * lab whose small model steps in a millisecond run in the regime of a paper profile (the
 * SemAIGC paper: 0.2 s per edge step, 0.368 s per device step) with real processes, real
 * messages and real clocks. Records carry the stated times they ran under.
 *
 * The pad rule, shared by every node that runs steps:
 *   wanted = max(measured, stated) / p        (stated at full share; PACR share p stretches it)
 *   pad    = wanted − measured                 (≥ 0)
 * so a node slower than the stated time is never slowed further, and p < 1 keeps its meaning.
 *
 * `measured` is the step's compute: its wall time, or the process CPU time it used if that is
 * less (padAfterStep, stepPacer). Wall time alone counts a step that spanned a SIGSTOP (or any
 * stall that burns no CPU) as compute, and the pad then sleeps the freeze out again,
 * F·(1/p − 1) after SIGCONT. CPU time alone overcounts a step run on several threads; the
 * smaller of the two is right in both cases. On a busy machine a step waits for the CPU: its
 * CPU time is the work done, so the emulated device stays p of this machine's core rather than
 * p of what a loaded core gives. A browser has no process CPU clock: wall time only there.
 */
import { z } from 'zod';

const stepMs = z
  .number()
  .refine((v) => Number.isFinite(v) && v > 0 && v <= 600_000, 'must be ms per step in (0, 600000]')
  .nullable()
  .default(null);

export const stepTimeSchema = z.object({
  /** Edge UNet step at full share, ms; null: as measured. */
  edgeMs: stepMs,
  /** Receiver step at full share, ms; null: as measured. */
  receiverMs: stepMs,
});
export type StepTime = z.output<typeof stepTimeSchema>;

/**
 * How long to wait after a step that took `measuredMs`, so that it takes the stated time
 * (null: as measured) stretched by the compute share `share` ∈ (0, 1].
 */
export function stepPadMs(measuredMs: number, statedMs: number | null, share = 1): number {
  const wanted = Math.max(measuredMs, statedMs ?? 0) / share;
  return Math.max(0, wanted - measuredMs);
}

/**
 * The wait after a step that took `wallMs` of wall time and `cpuMs` of process CPU time (null:
 * no CPU clock, wall time only): its compute is the smaller of the two, padded by stepPadMs,
 * less the wall time the step already took beyond its compute.
 */
export function padAfterStep(
  wallMs: number,
  cpuMs: number | null,
  statedMs: number | null,
  share: number,
): number {
  const computeMs = Math.max(0, Math.min(wallMs, cpuMs ?? wallMs));
  return Math.max(0, stepPadMs(computeMs, statedMs, share) + computeMs - wallMs);
}

/** The process's CPU time so far (user + system, all threads), ms: node-kit's processCpuMs. */
export type CpuClock = () => number;

/**
 * Waits `ms` on a timer and resolves with the ms it actually waited. A timer may fire early
 * (it counts from the event loop's cached time, stale by whatever ran since the loop last
 * woke), which on steps of a few ms is a good part of the pad; stepPacer makes that up.
 */
export function timerSleep(ms: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => setTimeout(() => resolve(performance.now() - start), ms));
}

export interface StepPacerOptions {
  /** The stated step time at full share, ms (null: as measured). */
  statedMs: number | null;
  /** Compute share p in (0, 1]. */
  share: number;
  /**
   * Default timerSleep. One that resolves with the ms it waited has a short wait made up in
   * the next pad; one that resolves with nothing (a test's recorder) is taken at its word.
   */
  sleep?: ((ms: number) => Promise<number | void>) | undefined;
  /** Without one (a browser) a step's compute is its wall time. */
  cpuMs?: CpuClock | undefined;
}

/**
 * The `onStep` of a paced run (the pipeline's edgeDenoise/deviceDenoise): after each step it
 * waits padAfterStep, the step's CPU time read from `cpuMs` since the previous step's pad
 * ended (since the pacer was made, for the first step). What a pad fell short (the sleep
 * says how long it waited) is added to the next one; a pad that overran (a loaded machine, a
 * SIGSTOP while waiting) is not taken back from the next, or a node frozen in a pad would run
 * unpadded for a while after.
 */
export function stepPacer(o: StepPacerOptions): (step: { ms: number }) => Promise<void> {
  const cpu = o.cpuMs;
  const sleep = o.sleep ?? timerSleep;
  let mark = cpu?.() ?? 0;
  let shortMs = 0;
  return async ({ ms }) => {
    const pad = padAfterStep(ms, cpu ? cpu() - mark : null, o.statedMs, o.share) + shortMs;
    shortMs = 0;
    if (pad > 0) {
      const slept = await sleep(pad);
      if (typeof slept === 'number') shortMs = Math.max(0, pad - slept);
    }
    if (cpu) mark = cpu();
  };
}
