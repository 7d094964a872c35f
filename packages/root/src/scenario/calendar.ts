/**
 * A server's bookings (the edge, or one receiver's device): disjoint busy intervals,
 * sorted. A request books its work at decision time; a job goes into the earliest idle gap
 * at or after the time it is ready that fits it whole (non-preemptive), so a regeneration
 * booked for later leaves the time before it free for the requests that arrive meanwhile.
 */
export type Busy = [start: number, end: number];

export class Calendar {
  private busy: Busy[] = [];

  clear(): void {
    this.busy = [];
  }

  /** Drops intervals that ended before `t` (they no longer affect anyone). */
  prune(t: number): void {
    let k = 0;
    while (k < this.busy.length && this.busy[k]![1] <= t) k++;
    if (k > 0) this.busy.splice(0, k);
  }

  /** Start of the earliest gap at or after `ready` that holds `work` seconds. */
  fit(ready: number, work: number): number {
    let t = ready;
    for (const [s, e] of this.busy) {
      if (e <= t) continue;
      if (s >= t + work) break;
      t = e;
    }
    return t;
  }

  /** Books `work` seconds at the earliest fitting gap; returns its end. */
  book(ready: number, work: number): number {
    const start = this.fit(ready, work);
    const end = start + work;
    if (work > 0) {
      let i = 0;
      while (i < this.busy.length && this.busy[i]![0] < start) i++;
      this.busy.splice(i, 0, [start, end]);
    }
    return end;
  }

  /** Time from `t` until the server is next idle, s. */
  waitAt(t: number): number {
    return this.fit(t, 1e-9) - t;
  }

  /** Booked work after `t`, s. */
  backlogAt(t: number): number {
    let w = 0;
    for (const [s, e] of this.busy) if (e > t) w += e - Math.max(s, t);
    return w;
  }

  /** A copy (what a predicting policy books on without changing the real one). */
  clone(): Calendar {
    const c = new Calendar();
    c.busy = this.busy.map(([s, e]) => [s, e] as Busy);
    return c;
  }
}
