/**
 * How long the edge waits after one UNet step so that it runs at compute share p: the step's
 * compute stretched to compute/p (or a stated step time to stated/p), less the wall time the
 * step already took.
 *
 * The compute is the step's wall time, or the process CPU time spent since the previous step
 * if that is less. Wall time alone counts a step that spanned a SIGSTOP (or any stall that
 * burns no CPU) as compute, and the pad then sleeps the freeze out again, F·(1/p − 1) after
 * SIGCONT. CPU time alone overcounts a step run on several threads; the smaller of the two
 * is right in both cases. On a busy machine the step waits for the CPU: its CPU time is the
 * work done, so the emulated device stays p of this machine's core rather than p of what a
 * loaded core gives.
 */
import { stepPadMs } from '@semaigc/protocol';

/** Process CPU time (user + system, all threads) since `from`, in ms. */
export function cpuMsSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** The wait after a step that took `wallMs` (and `cpuMs` of process CPU) at share `share`. */
export function padAfterStep(wallMs: number, cpuMs: number, statedMs: number | null, share: number): number {
  const computeMs = Math.max(0, Math.min(wallMs, cpuMs));
  return Math.max(0, stepPadMs(computeMs, statedMs, share) + computeMs - wallMs);
}
