/**
 * CSV, one dialect for every file the testbed writes (records.csv here, the CLI's ROOT
 * training and evaluation tables): csv-stringify with RFC 4180 quoting (a cell with a
 * comma, a quote, CR or LF is quoted), '\n' line ends, null/undefined as an empty cell,
 * booleans as true/false, objects as JSON.
 *
 * records.csv: one flattened record per line, columns named by the record's dotted paths
 * (`timings.endToEndMs`, `receiver.profile.backend`), in a fixed order so files from
 * different trials line up.
 */
import type { RecordMessage } from '@semaigc/protocol';
import { stringify } from 'csv-stringify/sync';
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

/** A browser receiver's wasm set-up (empty for other backends). */
const WASM = ['threads', 'simd', 'build', 'worker'];

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
  ...WASM.map((c) => `receiver.profile.wasm.${c}`),
  ...CAPS.map((c) => `edge.${c}`),
  'startedAt',
  'completedAt',
  // Appended, so earlier columns keep their places: stated step times, a learned policy's inputs, the physical layer.
  'stepTime.edgeMs',
  'stepTime.receiverMs',
  'policyInputs.timeScale',
  'policyInputs.clipped',
  // The physical layer's account of the payload (empty for Local AIGC).
  'phy.link',
  'phy.channelUses',
  'phy.txMs',
  'phy.mcs.cqi',
  'phy.mcs.modulation',
  'phy.mcs.codeRate',
  'phy.bler',
  'phy.harqRounds',
  'phy.onePassMs',
  // How the payload travelled (socket.io, NATS or a WebRTC data channel) and its packets.
  'delivery.transport',
  'delivery.requested',
  'delivery.mode',
  'delivery.packetsSent',
  'delivery.packetsReceived',
  'delivery.packetsLost',
  'delivery.delayMsMedian',
  'delivery.delayMsMax',
  'delivery.fallback',
];

function get(obj: unknown, dotted: string): unknown {
  let cur: unknown = obj;
  for (const key of dotted.split('.')) {
    if (typeof cur !== 'object' || cur === null) return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

const DIALECT = {
  record_delimiter: 'unix',
  // csv-stringify quotes LF and the record delimiter; a lone CR must be quoted too.
  quoted_match: /\r/,
  cast: { boolean: (v: boolean) => String(v) },
} as const;

/** Rows of cells → CSV text, one line per row, each ending in '\n'. */
export function csvLines(rows: readonly (readonly unknown[])[]): string {
  return stringify(rows as unknown[][], DIALECT);
}

/** One cell as it appears in a line (quoted when needed; '' for null/undefined). */
export function csvCell(v: unknown): string {
  return csvLines([[v]]).slice(0, -1);
}

export function csvHeader(): string {
  return csvLines([RECORD_CSV_COLUMNS]);
}

export function recordToCsvLine(r: RecordMessage): string {
  return csvLines([RECORD_CSV_COLUMNS.map((c) => get(r, c))]);
}
