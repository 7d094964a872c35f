/**
 * Live against simulated: the mean satisfaction of the two runs of one trial config in each
 * SNR bucket of their summaries (3 dB wide), the gap per bucket and the largest gap. Only
 * buckets both runs served are compared; the others are listed with a null gap.
 */
import type { TrialSummary } from '@semaigc/coordinator';

export interface BucketGap {
  bucket: string;
  minDb: number;
  liveRequests: number;
  simRequests: number;
  live: number | null;
  sim: number | null;
  /** |live − sim|; null unless both served the bucket. */
  gap: number | null;
}

export interface SummaryGap {
  buckets: BucketGap[];
  /** The largest gap over the buckets both served; null when there is none. */
  maxGap: number | null;
  /** Buckets compared. */
  n: number;
  /** Mean satisfaction over the whole trial, live and simulated. */
  live: number | null;
  sim: number | null;
}

export function compareSummaries(live: TrialSummary, sim: TrialSummary): SummaryGap {
  const byMin = new Map<number, BucketGap>();
  const at = (minDb: number, bucket: string): BucketGap => {
    let b = byMin.get(minDb);
    if (!b) {
      b = { bucket, minDb, liveRequests: 0, simRequests: 0, live: null, sim: null, gap: null };
      byMin.set(minDb, b);
    }
    return b;
  };
  for (const b of live.bySnr) {
    const g = at(b.minDb, b.bucket);
    g.liveRequests = b.requests;
    g.live = b.satisfactionMean;
  }
  for (const b of sim.bySnr) {
    const g = at(b.minDb, b.bucket);
    g.simRequests = b.requests;
    g.sim = b.satisfactionMean;
  }
  const buckets = [...byMin.values()].sort((a, b) => a.minDb - b.minDb);
  for (const b of buckets) b.gap = b.live !== null && b.sim !== null ? Math.abs(b.live - b.sim) : null;
  const gaps = buckets.map((b) => b.gap).filter((g): g is number => g !== null);
  return {
    buckets,
    maxGap: gaps.length > 0 ? Math.max(...gaps) : null,
    n: gaps.length,
    live: live.satisfactionMean,
    sim: sim.satisfactionMean,
  };
}

const f3 = (v: number | null): string => (v === null ? '–' : v.toFixed(3));

/** A Markdown table of the comparison (the README's form). */
export function gapTable(g: SummaryGap): string {
  const lines = [
    '| SNR bucket (dB) | live n | live satisfaction | sim n | sim satisfaction | gap |',
    '| --- | --- | --- | --- | --- | --- |',
    ...g.buckets.map(
      (b) =>
        `| ${b.bucket} | ${b.liveRequests} | ${f3(b.live)} | ${b.simRequests} | ${f3(b.sim)} | ${f3(b.gap)} |`,
    ),
    `| all | | ${f3(g.live)} | | ${f3(g.sim)} | max ${f3(g.maxGap)} |`,
  ];
  return lines.join('\n');
}
