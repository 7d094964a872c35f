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
import { z } from 'zod';
import { CalibrationError } from '../errors';
import { parseOrThrow, wanted } from '../validate';
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

const finite = z.number(wanted('a finite number'));
const positive = z.number(wanted('a number > 0')).gt(0, wanted('a number > 0'));
const nonNegative = z.number(wanted('a number >= 0')).min(0, wanted('a number >= 0'));

const sampleSchema = z.object(
  {
    snrDb: finite,
    edgeSteps: z
      .number(wanted('an integer >= 0'))
      .int(wanted('an integer >= 0'))
      .min(0, wanted('an integer >= 0')),
    quality: finite,
    seed: z.number().optional().catch(undefined),
  },
  { error: 'must be an object' },
);

const benchmarkSchema = z
  .object(
    {
      format: z.literal(SPLIT_BENCHMARK_FORMAT, wanted(`'${SPLIT_BENCHMARK_FORMAT}'`)),
      version: z.literal(SPLIT_BENCHMARK_VERSION, {
        error: (iss) => `this build reads v${SPLIT_BENCHMARK_VERSION}, got ${JSON.stringify(iss.input)}`,
      }),
      totalSteps: z
        .number(wanted('an integer >= 1'))
        .int(wanted('an integer >= 1'))
        .min(1, wanted('an integer >= 1')),
      timing: z.object(
        { edgeStepS: positive, deviceStepS: positive, textEncodeS: nonNegative, vaeDecodeS: nonNegative },
        { error: 'must be an object' },
      ),
      payload: z.object({ latentBits: positive, imageBits: positive }, { error: 'must be an object' }),
      quality: z.object(
        {
          metric: z.string({ error: 'must be a name' }).min(1, 'must be a name'),
          higherIsBetter: z.boolean({ error: 'must be a boolean' }),
          threshold: finite,
          local: finite.optional(),
          samples: z
            .array(sampleSchema, { error: 'must be a non-empty list' })
            .min(1, 'must be a non-empty list'),
        },
        { error: 'must be an object' },
      ),
    },
    { error: 'not a JSON object' },
  )
  .superRefine((b, ctx) => {
    // Edge steps are bounded by the benchmark's own T̂.
    b.quality.samples.forEach((s, i) => {
      if (s.edgeSteps > b.totalSteps) {
        ctx.addIssue({
          code: 'custom',
          path: ['quality', 'samples', i, 'edgeSteps'],
          message: `must be an integer in [0, ${b.totalSteps}], got ${s.edgeSteps}`,
        });
      }
    });
  });

/** Validates the parsed benchmark JSON; CalibrationError names the field (`benchmark.timing.edgeStepS: …`). */
export function parseSplitBenchmark(json: unknown): SplitBenchmark {
  const b = parseOrThrow(
    benchmarkSchema,
    json,
    (field, message, cause) =>
      new CalibrationError(`benchmark${field ? `.${field}` : ''}: ${message}`, { cause }),
  );
  const samples = b.quality.samples.map(({ seed, ...s }) => (seed === undefined ? s : { ...s, seed }));
  const { local, ...quality } = b.quality;
  return { ...b, quality: { ...quality, ...(local === undefined ? {} : { local }), samples } };
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
