/**
 * The `measured` profile: the paper profile's dynamics with the model figures replaced by
 * what the diffusion split benchmark measured on this testbed — per-step times, payload
 * sizes, and a quality table fitted per SNR with the AaaS four-parameter model
 * (quality-fit.ts). The input format (`semaigc-split-benchmark` v1) is documented in
 * README.md; the Node side reads the file, this module only sees the parsed JSON.
 *
 * Quality samples are per (SNR, edge steps a, seed); the fit is over receiver steps T̂ − a.
 * Metrics where lower is better (LPIPS, …) are negated so that the gate is always
 * "quality ≥ threshold". The quality gate's noise is the pooled residual standard
 * deviation of the fits (the seed-to-seed spread the model does not explain).
 */
import { CalibrationError } from '../errors';
import { PAPER_PROFILE, validateProfile, type ServiceProfile } from './profile';
import { fitPiecewiseQuality, type PiecewiseFit } from './quality-fit';
import type { QualityRow } from './quality-model';

export const SPLIT_BENCHMARK_FORMAT = 'semaigc-split-benchmark';
export const SPLIT_BENCHMARK_VERSION = 1;

export interface QualitySample {
  snrDb: number;
  edgeSteps: number;
  quality: number;
  seed?: number;
}

export interface SplitBenchmark {
  format: typeof SPLIT_BENCHMARK_FORMAT;
  version: typeof SPLIT_BENCHMARK_VERSION;
  totalSteps: number;
  timing: { edgeStepS: number; deviceStepS: number; textEncodeS: number; vaeDecodeS: number };
  payload: { latentBits: number; imageBits: number };
  quality: {
    metric: string;
    higherIsBetter: boolean;
    threshold: number;
    /** Quality of an image generated with no channel (Local AIGC); default: the best fitted B_y. */
    local?: number;
    samples: QualitySample[];
  };
}

export interface Calibration {
  profile: ServiceProfile;
  /** The fit at each measured SNR (in the metric's orientation after negation, if any). */
  fits: (PiecewiseFit & { snrDb: number })[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  check: (v: number) => boolean,
  want: string,
): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
    throw new CalibrationError(`${path}.${key}: must be ${want}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function record(obj: Record<string, unknown>, key: string, path: string): Record<string, unknown> {
  const v = obj[key];
  if (!isRecord(v)) throw new CalibrationError(`${path}.${key}: must be an object`);
  return v;
}

const positive = (v: number): boolean => v > 0;
const nonNegative = (v: number): boolean => v >= 0;

/** Validates the parsed benchmark JSON; CalibrationError names the field. */
export function parseSplitBenchmark(json: unknown): SplitBenchmark {
  if (!isRecord(json)) throw new CalibrationError('benchmark: not a JSON object');
  if (json.format !== SPLIT_BENCHMARK_FORMAT) {
    throw new CalibrationError(
      `benchmark.format: expected '${SPLIT_BENCHMARK_FORMAT}', got ${JSON.stringify(json.format)}`,
    );
  }
  if (json.version !== SPLIT_BENCHMARK_VERSION) {
    throw new CalibrationError(
      `benchmark.version: this build reads v${SPLIT_BENCHMARK_VERSION}, got ${JSON.stringify(json.version)}`,
    );
  }
  const totalSteps = num(
    json,
    'totalSteps',
    'benchmark',
    (v) => Number.isInteger(v) && v >= 1,
    'an integer >= 1',
  );
  const t = record(json, 'timing', 'benchmark');
  const p = record(json, 'payload', 'benchmark');
  const q = record(json, 'quality', 'benchmark');
  if (typeof q.metric !== 'string' || q.metric === '')
    throw new CalibrationError('benchmark.quality.metric: must be a name');
  if (typeof q.higherIsBetter !== 'boolean')
    throw new CalibrationError('benchmark.quality.higherIsBetter: must be a boolean');
  if (!Array.isArray(q.samples) || q.samples.length === 0) {
    throw new CalibrationError('benchmark.quality.samples: must be a non-empty list');
  }
  const samples = q.samples.map((s: unknown, i): QualitySample => {
    const path = `benchmark.quality.samples[${i}]`;
    if (!isRecord(s)) throw new CalibrationError(`${path}: must be an object`);
    return {
      snrDb: num(s, 'snrDb', path, () => true, 'a finite number'),
      edgeSteps: num(
        s,
        'edgeSteps',
        path,
        (v) => Number.isInteger(v) && v >= 0 && v <= totalSteps,
        `an integer in [0, ${totalSteps}]`,
      ),
      quality: num(s, 'quality', path, () => true, 'a finite number'),
      ...(typeof s.seed === 'number' ? { seed: s.seed } : {}),
    };
  });
  return {
    format: SPLIT_BENCHMARK_FORMAT,
    version: SPLIT_BENCHMARK_VERSION,
    totalSteps,
    timing: {
      edgeStepS: num(t, 'edgeStepS', 'benchmark.timing', positive, 'a number > 0'),
      deviceStepS: num(t, 'deviceStepS', 'benchmark.timing', positive, 'a number > 0'),
      textEncodeS: num(t, 'textEncodeS', 'benchmark.timing', nonNegative, 'a number >= 0'),
      vaeDecodeS: num(t, 'vaeDecodeS', 'benchmark.timing', nonNegative, 'a number >= 0'),
    },
    payload: {
      latentBits: num(p, 'latentBits', 'benchmark.payload', positive, 'a number > 0'),
      imageBits: num(p, 'imageBits', 'benchmark.payload', positive, 'a number > 0'),
    },
    quality: {
      metric: q.metric,
      higherIsBetter: q.higherIsBetter,
      threshold: num(q, 'threshold', 'benchmark.quality', () => true, 'a finite number'),
      ...(q.local !== undefined
        ? { local: num(q, 'local', 'benchmark.quality', () => true, 'a finite number') }
        : {}),
      samples,
    },
  };
}

/**
 * Builds the measured profile from a parsed split-benchmark JSON. `base` supplies what the
 * benchmark does not measure (the dynamics, failure limit, attempts, session length).
 */
export function measuredProfile(json: unknown, base: ServiceProfile = PAPER_PROFILE): Calibration {
  const b = parseSplitBenchmark(json);
  const sign = b.quality.higherIsBetter ? 1 : -1;
  const bySnr = new Map<number, { steps: number; quality: number }[]>();
  for (const s of b.quality.samples) {
    const list = bySnr.get(s.snrDb) ?? [];
    list.push({ steps: b.totalSteps - s.edgeSteps, quality: sign * s.quality });
    bySnr.set(s.snrDb, list);
  }
  const fits: Calibration['fits'] = [];
  let sse = 0;
  let dof = 0;
  for (const [snrDb, points] of [...bySnr.entries()].sort((x, y) => x[0] - y[0])) {
    let fit: PiecewiseFit;
    try {
      fit = fitPiecewiseQuality(points);
    } catch (err) {
      throw new CalibrationError(`benchmark.quality.samples at ${snrDb} dB: ${(err as Error).message}`, {
        cause: err,
      });
    }
    fits.push({ ...fit, snrDb });
    sse += fit.rmse ** 2 * fit.n;
    dof += Math.max(1, fit.n - 4);
  }
  const table: QualityRow[] = fits.map(({ snrDb, ax, ay, bx, by }) => ({ snrDb, ax, ay, bx, by }));
  const profile: ServiceProfile = {
    ...base,
    name: 'measured',
    totalSteps: b.totalSteps,
    edgeStepS: b.timing.edgeStepS,
    deviceStepS: b.timing.deviceStepS,
    textEncodeS: b.timing.textEncodeS,
    vaeDecodeS: b.timing.vaeDecodeS,
    latentBits: b.payload.latentBits,
    imageBits: b.payload.imageBits,
    quality: {
      table,
      threshold: sign * b.quality.threshold,
      noiseStd: Math.sqrt(sse / dof),
      local: b.quality.local !== undefined ? sign * b.quality.local : Math.max(...table.map((r) => r.by)),
    },
  };
  validateProfile(profile);
  return { profile, fits };
}
