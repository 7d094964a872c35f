/**
 * The process CPU clock for compute-share padding (protocol's stepPacer): a step's compute is
 * the smaller of its wall time and the CPU time the process used, so a step that spans a
 * SIGSTOP is not padded again after SIGCONT. Node only; a browser pads on wall time.
 */

/** Process CPU time so far (user + system, all threads), ms. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
