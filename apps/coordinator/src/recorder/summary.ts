/**
 * summary.json: what a trial did, computed from its records only (so every figure can be
 * traced back to records.jsonl). Latency statistics are over succeeded requests; the
 * satisfaction mean is over all of them (a failed request counts 0, as in the paper).
 */
import { latencyStats } from '@semaigc/metrics';
import type { ErrorCode, RecordMessage, RecordTimings } from '@semaigc/protocol';
import type { DeliverySummary } from './delivery-summary';

export const STAGES = [
  'queueMs',
  'textEncodeMs',
  'edgeStepsMs',
  'txEmulatedMs',
  'transportMs',
  'receiverStepsMs',
  'decodeMs',
  'qualityMs',
  'endToEndMs',
] as const satisfies readonly (keyof RecordTimings)[];
export type Stage = (typeof STAGES)[number];

/** Width of the SNR buckets of `bySnr`, dB. */
export const DEFAULT_SNR_BUCKET_DB = 3;

export interface StageStats {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface GroupSummary {
  requests: number;
  succeeded: number;
  failed: number;
  failuresByCode: Partial<Record<ErrorCode, number>>;
  /** Mean satisfaction over all requests (failed = 0); null with no requests. */
  satisfactionMean: number | null;
  /** Mean caption consistency over succeeded requests that report it. */
  consistencyMean: number | null;
  /** Requests that needed more than one attempt. */
  retried: number;
  /** Per stage, ms, over succeeded requests that report the stage; null if none do. */
  latencyMs: Record<Stage, StageStats | null>;
}

export interface SnrBucketSummary extends GroupSummary {
  /** `[-6, -3)` */
  bucket: string;
  minDb: number;
  maxDb: number;
}

export type TrialStatus = 'completed' | 'aborted' | 'failed';

export interface TrialSummary extends GroupSummary {
  trialId: string;
  name: string;
  status: TrialStatus;
  reason: string | null;
  policy: string;
  totalSteps: number;
  /** Requests the trial planned (requests ≤ planned when it was aborted). */
  planned: number;
  receiverIds: string[];
  edgeIds: string[];
  startedAt: number;
  endedAt: number;
  durationMs: number;
  byPolicy: Record<string, GroupSummary>;
  bySnr: SnrBucketSummary[];
  /** How the payloads travelled (delivery-summary.ts); null when no record says. */
  delivery: DeliverySummary | null;
  runDir: string;
  files: {
    records: string;
    csv: string;
    summary: string;
    config: string;
    images: string;
    /** Files the policy saved at the end (ROOT: the fine-tuned checkpoint); often empty. */
    policy: string[];
  };
}

function stageStats(values: number[]): StageStats | null {
  if (values.length === 0) return null;
  const s = latencyStats(values);
  return { n: s.n, mean: s.mean, p50: s.p50, p90: s.p90, p99: s.p99 };
}

function meanOrNull(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export function summarizeGroup(records: readonly RecordMessage[]): GroupSummary {
  const ok = records.filter((r) => !r.failed);
  const failuresByCode: Partial<Record<ErrorCode, number>> = {};
  for (const r of records) {
    if (r.failure) failuresByCode[r.failure.code] = (failuresByCode[r.failure.code] ?? 0) + 1;
  }
  const latencyMs = Object.fromEntries(
    STAGES.map((s) => [s, stageStats(ok.map((r) => r.timings[s]).filter((v): v is number => v !== null))]),
  ) as Record<Stage, StageStats | null>;
  return {
    requests: records.length,
    succeeded: ok.length,
    failed: records.length - ok.length,
    failuresByCode,
    satisfactionMean: meanOrNull(records.map((r) => r.satisfaction)),
    consistencyMean: meanOrNull(ok.map((r) => r.quality.consistency).filter((v): v is number => v !== null)),
    retried: records.filter((r) => r.retries > 0).length,
    latencyMs,
  };
}

export function snrBucket(snrDb: number, widthDb = DEFAULT_SNR_BUCKET_DB): { minDb: number; maxDb: number } {
  const minDb = Math.floor(snrDb / widthDb) * widthDb;
  return { minDb, maxDb: minDb + widthDb };
}

function groupBy<K>(
  records: readonly RecordMessage[],
  key: (r: RecordMessage) => K,
): Map<K, RecordMessage[]> {
  const out = new Map<K, RecordMessage[]>();
  for (const r of records) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

export function summarizeByPolicy(records: readonly RecordMessage[]): Record<string, GroupSummary> {
  const groups = groupBy(records, (r) => r.policy);
  return Object.fromEntries([...groups.entries()].sort().map(([k, v]) => [k, summarizeGroup(v)]));
}

export function summarizeBySnr(
  records: readonly RecordMessage[],
  widthDb = DEFAULT_SNR_BUCKET_DB,
): SnrBucketSummary[] {
  const groups = groupBy(records, (r) => snrBucket(r.snrDbSet, widthDb).minDb);
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([minDb, rs]) => ({
      bucket: `[${minDb}, ${minDb + widthDb})`,
      minDb,
      maxDb: minDb + widthDb,
      ...summarizeGroup(rs),
    }));
}
