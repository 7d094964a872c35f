/**
 * How the main thread fared while work ran: the longest task the browser reported
 * (PerformanceObserver 'longtask', tasks over 50 ms) and the longest gap between ticks of a
 * 50 ms interval timer, which is what the page's heartbeat timer sees.
 */
export const TICK_MS = 50;

export interface Responsiveness {
  /** null when the browser reported no long task (or does not report them). */
  longestTaskMs: number | null;
  longTasks: number;
  /** Longest time between two ticks of a TICK_MS interval, ms. */
  maxTimerGapMs: number;
}

export class ResponsivenessProbe {
  private readonly tasks: PerformanceEntry[] = [];
  private readonly observer: PerformanceObserver | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private last = 0;
  private maxGap = 0;
  private start = 0;

  constructor() {
    if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
      this.observer = new PerformanceObserver((list) => this.tasks.push(...list.getEntries()));
      this.observer.observe({ type: 'longtask' });
    }
  }

  begin(): void {
    this.start = this.last = performance.now();
    this.maxGap = 0;
    this.tasks.length = 0;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.maxGap = Math.max(this.maxGap, now - this.last);
      this.last = now;
    }, TICK_MS);
  }

  /** Stops the timer; long-task entries are read after a pause, as they arrive late. */
  async end(): Promise<Responsiveness> {
    const end = performance.now();
    if (this.timer) clearInterval(this.timer);
    this.maxGap = Math.max(this.maxGap, end - this.last);
    await new Promise((r) => setTimeout(r, 2 * TICK_MS));
    const mine = this.tasks.filter((e) => e.startTime < end && e.startTime + e.duration > this.start);
    return {
      longestTaskMs: mine.length ? Math.max(...mine.map((e) => e.duration)) : null,
      longTasks: mine.length,
      maxTimerGapMs: this.maxGap,
    };
  }
}
