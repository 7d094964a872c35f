/**
 * The longest main-thread task while a job runs, from the browser's own long-task reports
 * (PerformanceObserver 'longtask': tasks over 50 ms). Entries arrive after their task ends,
 * so each is matched against the job windows by its start time, not by when it is reported.
 */
const KEPT_WINDOWS = 16;

export class LongTaskWatch {
  private readonly windows: { start: number; end: number }[] = [];

  constructor(onLongTask: (durationMs: number) => void) {
    if (!PerformanceObserver.supportedEntryTypes?.includes('longtask')) return;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const end = e.startTime + e.duration;
        if (this.windows.some((w) => e.startTime < w.end && end > w.start)) onLongTask(e.duration);
      }
    }).observe({ type: 'longtask', buffered: true });
  }

  /** A job started now. */
  begin(): void {
    this.windows.push({ start: performance.now(), end: Infinity });
    if (this.windows.length > KEPT_WINDOWS) this.windows.shift();
  }

  /** The job that started last has ended. */
  end(): void {
    const w = this.windows[this.windows.length - 1];
    if (w && w.end === Infinity) w.end = performance.now();
  }
}
