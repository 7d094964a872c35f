/**
 * What a trial tells the world: trial.start, a trial.progress per written record (and the
 * caller's onProgress), the summary built from the records, and trial.end.
 */
import { encode, makeMessage, type RecordMessage, type TrialStartMessage } from '@semaigc/protocol';
import type { Logger } from 'pino';
import type { TrialInfo, TrialProgress } from '../api-types';
import type { Recorder } from '../recorder/recorder';
import { summarizeDelivery } from '../recorder/delivery-summary';
import {
  summarizeByPolicy,
  summarizeBySnr,
  summarizeGroup,
  type TrialStatus,
  type TrialSummary,
} from '../recorder/summary';
import type { RunTrialOptions, TrialLinks } from './links';

export type TrialStartBody = Omit<TrialStartMessage, 'v' | 'type'>;

/** A trial's info before it starts: state 'starting', no progress yet. */
export function newTrialInfo(trialId: string, name: string, policy: string, createdAt: number): TrialInfo {
  return {
    trialId,
    name,
    policy,
    state: 'starting',
    createdAt,
    progress: {
      done: 0,
      failed: 0,
      total: 0,
      inFlight: 0,
      meanSatisfaction: null,
      lastRequestId: null,
      elapsedMs: 0,
    },
    summary: null,
    error: null,
    runDir: null,
  };
}

export class TrialReport {
  private satisfactionSum = 0;

  /** `progress` is the trial's live progress object (TrialInfo.progress): updated in place. */
  constructor(
    private readonly trialId: string,
    private readonly progress: TrialProgress,
    private readonly o: {
      links: TrialLinks;
      logger: Logger;
      now: () => number;
      onProgress: RunTrialOptions['onProgress'];
    },
  ) {}

  start(body: TrialStartBody): void {
    this.o.links.trialEvent(this.trialId, 'trial.start', encode(makeMessage('trial.start', body)));
  }

  /** A request's final record: written, counted, announced. */
  async record(record: RecordMessage, recorder: Recorder, startedAt: number): Promise<void> {
    const p = this.progress;
    p.done += 1;
    if (record.failed) p.failed += 1;
    this.satisfactionSum += record.satisfaction;
    p.meanSatisfaction = this.satisfactionSum / p.done;
    p.lastRequestId = record.requestId;
    p.elapsedMs = this.o.now() - startedAt;
    await recorder.write(record);
    this.o.links.recordWritten(record, encode(record));
    const progress = makeMessage('trial.progress', {
      trialId: this.trialId,
      ...p,
      total: Math.max(p.total, p.done),
    });
    this.o.links.trialEvent(this.trialId, 'trial.progress', encode(progress));
    try {
      this.o.onProgress?.({ ...p }, record);
    } catch (err) {
      this.o.logger.warn({ err }, 'onProgress threw');
    }
  }

  end(status: TrialStatus, reason: string | null, endedAt: number): void {
    const p = this.progress;
    const end = makeMessage('trial.end', {
      trialId: this.trialId,
      status,
      reason,
      done: p.done,
      failed: p.failed,
      total: Math.max(p.total, p.done),
      meanSatisfaction: p.meanSatisfaction,
      endedAt,
    });
    this.o.links.trialEvent(this.trialId, 'trial.end', encode(end));
  }
}

/** The summary's own fields; the rest is computed from the records. */
export type SummaryInput = Pick<
  TrialSummary,
  | 'trialId'
  | 'name'
  | 'status'
  | 'reason'
  | 'policy'
  | 'totalSteps'
  | 'planned'
  | 'receiverIds'
  | 'startedAt'
  | 'endedAt'
> & {
  records: readonly RecordMessage[];
  files: Recorder['files'];
  /** What the policy's finish hook wrote. */
  policyFiles: string[];
};

/** summary.json: from the records only, so every figure traces back to records.jsonl. */
export function buildSummary(s: SummaryInput): TrialSummary {
  const { records, files } = s;
  return {
    trialId: s.trialId,
    name: s.name,
    status: s.status,
    reason: s.reason,
    policy: s.policy,
    totalSteps: s.totalSteps,
    planned: s.planned,
    receiverIds: s.receiverIds,
    edgeIds: [...new Set(records.map((r) => r.edgeId).filter((e): e is string => e !== null))].sort(),
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    durationMs: s.endedAt - s.startedAt,
    ...summarizeGroup(records),
    byPolicy: summarizeByPolicy(records),
    bySnr: summarizeBySnr(records),
    delivery: summarizeDelivery(records),
    runDir: files.dir,
    files: {
      records: files.records,
      csv: files.csv,
      summary: files.summary,
      config: files.config,
      images: files.images,
      policy: s.policyFiles,
    },
  };
}
