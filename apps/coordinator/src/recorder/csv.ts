/**
 * records.csv: one flattened record per line, columns named by the record's dotted paths
 * (`timings.endToEndMs`, `receiver.profile.backend`), in a fixed order so files from
 * different trials line up. RFC 4180 quoting; null is an empty cell.
 */
import type { RecordMessage } from '@semaigc/protocol';
import { STAGES } from './summary';

// The timing columns are the summary's stages, so CSV and summary list the same stages.
const TIMINGS = STAGES;

const CAPS = [
  'runtime.kind',
  'backend',
  'stepMs',
  'computeShare',
  'maxConcurrent',
  'profile.platform',
  'profile.cores',
  'profile.memoryGiB',
  'profile.userAgent',
];

export const RECORD_CSV_COLUMNS: readonly string[] = [
  'trialId',
  'requestId',
  'receiverId',
  'edgeId',
  'coordinatorId',
  'prompt',
  'seed',
  'totalSteps',
  'edgeSteps',
  'deliver',
  'policy',
  'checkpointId',
  'receiverVariant',
  'channelMode',
  'snrDbSet',
  'snrDbMeasured',
  'noiseVariance',
  'hRe',
  'hIm',
  ...TIMINGS.map((t) => `timings.${t}`),
  'payloadBytes',
  'quality.psnr',
  'quality.ssim',
  'quality.consistency',
  'latency.minS',
  'latency.maxS',
  'latency.failureS',
  'satisfaction',
  'failed',
  'failure.code',
  'failure.reason',
  'retries',
  ...CAPS.map((c) => `receiver.${c}`),
  ...CAPS.map((c) => `edge.${c}`),
  'startedAt',
  'completedAt',
];

function get(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const key of dotted.split('.')) {
    if (typeof cur !== 'object' || cur === null) return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s =
    typeof v === 'string'
      ? v
      : typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : (JSON.stringify(v) ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return RECORD_CSV_COLUMNS.join(',') + '\n';
}

export function recordToCsvLine(r: RecordMessage): string {
  return RECORD_CSV_COLUMNS.map((c) => csvCell(get(r, c))).join(',') + '\n';
}
