/** A progress bar for a running trial (stderr), fed by the coordinator's onProgress. */
import { Presets, SingleBar } from 'cli-progress';
import type { RecordMessage } from '@semaigc/protocol';

export interface TrialProgressBar {
  update(
    p: { done: number; failed: number; total: number; meanSatisfaction: number | null },
    r: RecordMessage,
  ): void;
  stop(): void;
}

export function trialProgressBar(total: number, enabled = process.stderr.isTTY): TrialProgressBar {
  const bar = new SingleBar(
    {
      format: 'trial {bar} {value}/{total} | failed {failed} | satisfaction {sat} | last {last}',
      stream: process.stderr,
      noTTYOutput: !enabled,
      notTTYSchedule: 2000,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { failed: 0, sat: '-', last: '-' });
  return {
    update(p, r) {
      if (p.total !== bar.getTotal()) bar.setTotal(p.total);
      bar.update(p.done, {
        failed: p.failed,
        sat: p.meanSatisfaction === null ? '-' : p.meanSatisfaction.toFixed(3),
        last: `${r.snrDbSet.toFixed(0)} dB, a=${r.edgeSteps}, ${((r.timings.endToEndMs ?? 0) / 1000).toFixed(2)} s`,
      });
    },
    stop() {
      bar.stop();
    },
  };
}
