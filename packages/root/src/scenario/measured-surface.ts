/**
 * Quality from measurement: the diffusion split benchmark's surfaces, per receiver variant,
 * per edge steps a and per SNR, loaded from its two outputs (packages/diffusion/docs):
 *
 * - `split.json` rows (variant, a, SNR): caption consistency (mean) and fidelity (median
 *   PSNR against the same request's channel-free output, with a 95% cluster-bootstrap
 *   interval over captions), a ∈ {2, 5, 10, 15, 18};
 * - `split-calibration.json` samples (default variant only): the consistency of every test
 *   image, per (SNR, a, seed), a ∈ {0, …, 20} including a = 0 (Local AIGC, no channel) and
 *   a = T̂ (decode only); consecutive seeds belong to one caption.
 *
 * The gate passes an attempt when consistency ≥ the calibration's threshold AND PSNR ≥
 * `fidelityThresholdDb`. Consistency is drawn from the measured images of the request's
 * caption (its seeds, interpolated linearly in a and in dB between measured cells), so
 * regenerations are correlated per caption as measured (for another variant, which has no
 * per-image samples: N(mean, σ from the mean's interval), uncorrelated, and a clean image
 * read from a = 2). PSNR is drawn N(median, σ) with σ
 * from the median's interval (σ ≈ √n·(hi − lo)/(2·1.96)/1.2533, n = captions), independent
 * per attempt: the benchmark keeps no per-image PSNR, so neither its shape nor its caption
 * correlation is known. For a = 20 (not in split.json) the PSNR is extrapolated linearly from
 * a = 15 and 18; a ≤ 1 uses a = 2. A clean image has PSNR ∞ (identical to the channel-free
 * output) and the consistency of a = 0.
 *
 * On the bundle measured so far, consistency is flat in SNR and a (≈ 0.70) except for
 * a = T̂ at low SNR; quality therefore varies mostly through fidelity.
 */
import { z } from 'zod';
import { CalibrationError } from '../errors';
import { normalCdf } from '../sim/service-model';
import { parseOrThrow, wanted } from '../validate';
import { parseSplitBenchmark } from '../sim/calibration';
import type { QualityInput, QualitySource } from './quality-source';

export interface SurfaceCell {
  edgeSteps: number;
  snrDb: number;
  consistency: number;
  /** Per-image spread of consistency from its 95% interval (σ ≈ √n·(hi − lo)/3.92). */
  consistencyStd: number;
  psnrMedian: number;
  psnrStd: number;
}

export interface MeasuredSurface {
  variant: string;
  totalSteps: number;
  snrsDb: number[];
  consistencyThreshold: number;
  /** split.json cells of the variant. */
  cells: SurfaceCell[];
  /** The measured a of the cells, ascending, and the cells by `${a}|${snrDb}`. */
  splits: number[];
  cellIndex: Map<string, SurfaceCell>;
  /** consistency[snrIndex][a][caption·seedsPerCaption + k] (default variant: per image). */
  samples: Float64Array[][] | null;
  captions: number;
  seedsPerCaption: number;
}

const rowSchema = z.object({
  variant: z.string(),
  edgeSteps: z.number().int(),
  snrDb: z.number(),
  n: z.number().positive(),
  psnrMedian: z.number(),
  psnrMedianLo: z.number(),
  psnrMedianHi: z.number(),
  consistency: z.number(),
  consistencyLo: z.number(),
  consistencyHi: z.number(),
});
const ablationSchema = z.object(
  {
    defaultVariant: z.string(wanted('a variant name')),
    rows: z.array(z.looseObject(rowSchema.shape), wanted('a list of rows')).min(1),
    extra: z.looseObject({
      captions: z.looseObject({ seedsPerCaption: z.number().int().min(1), test: z.array(z.string()) }),
    }),
  },
  wanted('a split.json object'),
);

/**
 * Builds the measured surface of `variant` (default: the benchmark's default variant).
 * `ablation` is split.json, `calibration` split-calibration.json (both parsed JSON).
 */
export function loadMeasuredSurface(
  ablation: unknown,
  calibration: unknown,
  variant?: string,
): MeasuredSurface {
  const a = parseOrThrow(
    ablationSchema,
    ablation,
    (field, message, cause) =>
      new CalibrationError(`split.json${field ? `.${field}` : ''}: ${message}`, { cause }),
  );
  const cal = parseSplitBenchmark(calibration);
  const v = variant ?? a.defaultVariant;
  const captions = a.extra.captions.test.length;
  const cells = a.rows
    .filter((r) => r.variant === v)
    .map((r) => ({
      edgeSteps: r.edgeSteps,
      snrDb: r.snrDb,
      consistency: r.consistency,
      consistencyStd: (Math.sqrt(captions) * (r.consistencyHi - r.consistencyLo)) / (2 * 1.96),
      psnrMedian: r.psnrMedian,
      psnrStd: (Math.sqrt(captions) * (r.psnrMedianHi - r.psnrMedianLo)) / (2 * 1.96) / 1.2533,
    }));
  if (cells.length === 0) throw new CalibrationError(`split.json.rows: no rows for variant '${v}'`);
  const snrsDb = [...new Set(cells.map((c) => c.snrDb))].sort((x, y) => x - y);
  const T = cal.totalSteps;
  const spc = a.extra.captions.seedsPerCaption;
  // Per-image consistency exists for the variant the calibration was measured with.
  const calVariant = (calibration as { variant?: unknown }).variant;
  let samples: Float64Array[][] | null = null;
  if (calVariant === undefined || calVariant === v) {
    const seeds = [...new Set(cal.quality.samples.map((s) => s.seed ?? 0))].sort((x, y) => x - y);
    const seedIndex = new Map(seeds.map((s, i) => [s, i]));
    samples = snrsDb.map(() => Array.from({ length: T + 1 }, () => new Float64Array(seeds.length).fill(NaN)));
    const measuredA = new Set<number>();
    for (const s of cal.quality.samples) {
      const si = snrsDb.indexOf(s.snrDb);
      if (si < 0) continue;
      samples[si]![s.edgeSteps]![seedIndex.get(s.seed ?? 0)!] = s.quality;
      measuredA.add(s.edgeSteps);
    }
    fillBetweenSplits(
      samples,
      [...measuredA].sort((x, y) => x - y),
      T,
    );
  }
  return {
    variant: v,
    totalSteps: T,
    snrsDb,
    consistencyThreshold: cal.quality.threshold,
    cells,
    splits: [...new Set(cells.map((c) => c.edgeSteps))].sort((x, y) => x - y),
    cellIndex: new Map(cells.map((c) => [`${c.edgeSteps}|${c.snrDb}`, c])),
    samples,
    captions: samples ? samples[0]![0]!.length / spc : 1,
    seedsPerCaption: spc,
  };
}

/** Linear interpolation per image between the measured splits (a not measured). */
function fillBetweenSplits(samples: Float64Array[][], measured: number[], T: number): void {
  for (const perA of samples) {
    for (let a = 0; a <= T; a++) {
      if (measured.includes(a)) continue;
      const lo = [...measured].reverse().find((m) => m < a) ?? measured[0]!;
      const hi = measured.find((m) => m > a) ?? measured[measured.length - 1]!;
      const w = hi === lo ? 0 : (a - lo) / (hi - lo);
      const out = perA[a]!;
      for (let i = 0; i < out.length; i++) out[i] = perA[lo]![i]! + w * (perA[hi]![i]! - perA[lo]![i]!);
    }
  }
}

/** Bilinear lookup of a cell field over (a, SNR), clamped in SNR; a extrapolated past the last split. */
export function surfaceAt(
  s: MeasuredSurface,
  field: 'consistency' | 'consistencyStd' | 'psnrMedian' | 'psnrStd',
  a: number,
  snrDb: number,
): number {
  const splits = s.splits;
  const at = (aa: number, snr: number): number => {
    const cell = s.cellIndex.get(`${aa}|${snr}`);
    if (!cell) throw new CalibrationError(`split.json: no ${s.variant} row at a = ${aa}, ${snr} dB`);
    return cell[field];
  };
  const alongA = (snr: number): number => {
    if (a <= splits[0]!) return at(splits[0]!, snr);
    let hi = splits.findIndex((x) => x >= a);
    if (hi < 0) hi = splits.length - 1; // extrapolate from the last two splits
    const lo = Math.max(0, hi - 1);
    const [a0, a1] = [splits[lo]!, splits[hi]!];
    if (a0 === a1) return at(a0, snr);
    return at(a0, snr) + ((a - a0) / (a1 - a0)) * (at(a1, snr) - at(a0, snr));
  };
  const snrs = s.snrsDb;
  if (snrDb <= snrs[0]!) return alongA(snrs[0]!);
  if (snrDb >= snrs[snrs.length - 1]!) return alongA(snrs[snrs.length - 1]!);
  const hi = snrs.findIndex((x) => x >= snrDb);
  const [s0, s1] = [snrs[hi - 1]!, snrs[hi]!];
  const w = (snrDb - s0) / (s1 - s0);
  return alongA(s0) + w * (alongA(s1) - alongA(s0));
}

export interface MeasuredQualityOptions {
  /** PSNR gate against the channel-free output, dB (ours: 22 dB; the fidelity range measured is 18–38 dB). */
  fidelityThresholdDb?: number;
  /** Consistency gate (default: the calibration's threshold). */
  consistencyThreshold?: number;
}

export const DEFAULT_FIDELITY_THRESHOLD_DB = 22;

/** The measured surface as a QualitySource (see the module comment for the model). */
export function measuredQuality(s: MeasuredSurface, options: MeasuredQualityOptions = {}): QualitySource {
  const fThr = options.fidelityThresholdDb ?? DEFAULT_FIDELITY_THRESHOLD_DB;
  const cThr = options.consistencyThreshold ?? s.consistencyThreshold;
  const T = s.totalSteps;
  const captions = s.captions;
  const spc = s.seedsPerCaption;
  // P(consistency ≥ threshold | caption) at every measured SNR and a, precomputed.
  const consPass: Float64Array[][] = s.snrsDb.map((_, si) =>
    Array.from({ length: T + 1 }, (_a, a) => {
      const out = new Float64Array(captions);
      for (let c = 0; c < captions; c++) {
        if (!s.samples) {
          // No per-image samples for this variant: N(mean, σ from the interval), no caption correlation.
          const snr = s.snrsDb[si]!;
          const std = Math.max(1e-6, surfaceAt(s, 'consistencyStd', a, snr));
          out[c] = normalCdf((surfaceAt(s, 'consistency', a, snr) - cThr) / std);
          continue;
        }
        let k = 0;
        for (let j = 0; j < spc; j++) if (s.samples[si]![a]![c * spc + j]! >= cThr - 1e-9) k++;
        out[c] = k / spc;
      }
      return out;
    }),
  );
  const consAt = (a: number, snrDb: number, out: Float64Array, scale: number): Float64Array => {
    const snrs = s.snrsDb;
    let lo = 0;
    let hi = 0;
    let w = 0;
    if (snrDb >= snrs[snrs.length - 1]!) lo = hi = snrs.length - 1;
    else if (snrDb > snrs[0]!) {
      hi = snrs.findIndex((x) => x >= snrDb);
      lo = hi - 1;
      w = (snrDb - snrs[lo]!) / (snrs[hi]! - snrs[lo]!);
    }
    const p0 = consPass[lo]![a]!;
    const p1 = consPass[hi]![a]!;
    for (let c = 0; c < captions; c++) out[c] = scale * (p0[c]! + w * (p1[c]! - p0[c]!));
    return out;
  };
  return {
    name: `measured:${s.variant}`,
    captions,
    passVector: (input: QualityInput): Float64Array => {
      const out = new Float64Array(captions);
      if (input.kind === 'clean' || input.edgeSteps === 0) return consAt(0, 0, out, 1);
      const a = input.edgeSteps;
      const median = surfaceAt(s, 'psnrMedian', a, input.snrDb);
      const std = Math.max(1e-6, surfaceAt(s, 'psnrStd', a, input.snrDb));
      return consAt(a, input.snrDb, out, normalCdf((median - fThr) / std));
    },
  };
}
