/**
 * A service profile: every number the simulator needs about the models, the hardware, the
 * link and the users. Two exist: `PAPER_PROFILE` (here), from the SemAIGC paper's settings
 * (section V) and its public code, and the `measured` profile built by `measuredProfile()`
 * from the split benchmark (calibration.ts).
 *
 * Times are seconds at full capability: the edge's per-step time is stretched by 1/p at
 * compute share p (PACR), the device's by 1/c at relative capability c. In the paper's
 * eq. 20 the per-step time is W(T)·O_s/ν·(1 − τ + τ/m); the profile gives it measured.
 */
import { z } from 'zod';
import { ProfileError } from '../errors';
import { parseOrThrow, wanted } from '../validate';
import { processRange, scalarProcessSchema, type ScalarProcessSpec } from './process';
import { QualityTable, type QualityRow } from './quality-model';

export interface QualitySpec {
  /** Rows of the AaaS model per SNR, for the noise-aware receiver (steps = T̂ − a). */
  table: readonly QualityRow[];
  /** An image is accepted when its quality is at or above this; otherwise regenerated. */
  threshold: number;
  /** Per-attempt spread of the realised quality around the model (Gaussian). */
  noiseStd: number;
  /** Quality of Local AIGC's image (generated on the device, no channel). */
  local: number;
}

export interface DynamicsSpec {
  /** Link SNR in dB. */
  snrDb: ScalarProcessSpec;
  /** Edge compute share (PACR) p ∈ (0, 1]. */
  edgeShare: ScalarProcessSpec;
  /** Device capability c ∈ (0, 1], relative to the reference device of `deviceStepS`. */
  deviceCapability: ScalarProcessSpec;
  /** Bandwidth B of the link, Hz. */
  bandwidthHz: ScalarProcessSpec;
  /** Ľ, the latency the user is fully satisfied with, s. */
  targetS: ScalarProcessSpec;
  /** L̂ = min(bandFactor·Ľ, failureLimitS): satisfaction reaches 0 there. */
  bandFactor: number;
}

export interface ServiceProfile {
  name: string;
  /** T̂: total DDIM steps, split a (edge) + T̂ − a (device). */
  totalSteps: number;
  /** Edge UNet step at full share, s. */
  edgeStepS: number;
  /** Device (fine-tuning) UNet step on the reference device, s. */
  deviceStepS: number;
  /** Text encoding on the edge at full share, s (once per request, not per attempt). */
  textEncodeS: number;
  /** VAE decode on the reference device, s. */
  vaeDecodeS: number;
  /** Eq. 20's constant l for other modules, per attempt, s. */
  overheadS: number;
  /** O: bits of the transmitted latent (4×64×64 elements × 8-bit quantisation in the paper). */
  latentBits: number;
  /** Bits of the image Edge AIGC sends instead. */
  imageBits: number;
  /** Attempts per request (the first plus regenerations) before it fails on quality. */
  maxTries: number;
  /** A request whose latency exceeds this has failed. */
  failureLimitS: number;
  /** Requests per episode (one user session). */
  requestsPerEpisode: number;
  quality: QualitySpec;
  dynamics: DynamicsSpec;
}

/** The paper profile's SNR rows: quality after T̂ − a noise-aware receiver steps. See README. */
export const PAPER_QUALITY_TABLE: readonly QualityRow[] = [
  { snrDb: -6, ax: 0, ay: 0.2, bx: 16, by: 0.95 },
  { snrDb: 0, ax: 0, ay: 0.42, bx: 12, by: 0.95 },
  { snrDb: 6, ax: 0, ay: 0.64, bx: 8, by: 0.95 },
  { snrDb: 15, ax: 0, ay: 0.9, bx: 4, by: 0.95 },
];

/**
 * The SemAIGC paper's settings (section V) and public code: SNR −6…15 dB, B ≤ 20 MHz,
 * requirement 5–25 s, edge (RTX A6000) UNet step 0.2 s, device (GTX 1080 Ti) step 0.368 s,
 * text encoding 0.75 s, VAE decode 1.196 s, latent 4×64×64×8 bits, 512×512×3×8-bit
 * images, T̂ = 20, failure at 60 s, 3 attempts. The ranges the paper does not give (PACR,
 * device capability, lower bandwidth, quality curve) are ours; README lists them.
 */
export const PAPER_PROFILE: ServiceProfile = {
  name: 'paper',
  totalSteps: 20,
  edgeStepS: 0.2,
  deviceStepS: 0.368,
  textEncodeS: 0.75,
  vaeDecodeS: 1.196,
  overheadS: 0,
  latentBits: 4 * 64 * 64 * 8,
  imageBits: 512 * 512 * 3 * 8,
  maxTries: 3,
  failureLimitS: 60,
  requestsPerEpisode: 32,
  quality: { table: PAPER_QUALITY_TABLE, threshold: 0.6, noiseStd: 0.05, local: 0.95 },
  dynamics: {
    snrDb: { kind: 'gauss-markov', mean: 4.5, std: 7, rho: 0.8, min: -6, max: 15 },
    edgeShare: { kind: 'gauss-markov', mean: 0.55, std: 0.3, rho: 0.9, min: 0.1, max: 1 },
    deviceCapability: { kind: 'uniform', min: 0.25, max: 1 },
    bandwidthHz: { kind: 'uniform', min: 1e6, max: 20e6 },
    targetS: { kind: 'uniform', min: 5, max: 25 },
    bandFactor: 2,
  },
};

const positive = z.number(wanted('a finite number > 0')).gt(0, wanted('a finite number > 0'));
const nonNegative = z.number(wanted('a finite number >= 0')).min(0, wanted('a finite number >= 0'));
const count = z
  .number(wanted('an integer >= 1'))
  .int(wanted('an integer >= 1'))
  .min(1, wanted('an integer >= 1'));
const finite = z.number(wanted('a finite number'));

/** A process whose values must stay above (or at) `lowest`, e.g. a compute share > 0. */
const bounded = (lowest: number, inclusive: boolean) =>
  scalarProcessSchema.refine(
    (s) => (inclusive ? processRange(s)[0] >= lowest : processRange(s)[0] > lowest),
    {
      error: `must stay ${inclusive ? '>=' : '>'} ${lowest}`,
    },
  );

/** The checks of a ServiceProfile; the quality table is checked by `QualityTable` itself. */
const profileSchema = z.looseObject({
  totalSteps: count,
  edgeStepS: positive,
  deviceStepS: positive,
  textEncodeS: nonNegative,
  vaeDecodeS: nonNegative,
  overheadS: nonNegative,
  latentBits: nonNegative,
  imageBits: nonNegative,
  maxTries: count,
  failureLimitS: positive,
  requestsPerEpisode: count,
  quality: z.looseObject({
    noiseStd: nonNegative,
    threshold: finite,
    local: finite,
    table: z.array(z.unknown()),
  }),
  dynamics: z.looseObject({
    snrDb: scalarProcessSchema,
    edgeShare: bounded(0, false),
    deviceCapability: bounded(0, false),
    bandwidthHz: bounded(0, false),
    targetS: bounded(0, true),
    bandFactor: z.number(wanted('a finite number >= 1')).min(1, wanted('a finite number >= 1')),
  }),
});

/** Throws ProfileError naming the first invalid field; returns the profile's quality table. */
export function validateProfile(p: ServiceProfile): QualityTable {
  parseOrThrow(profileSchema, p, (field, message, cause) => new ProfileError(field, message, { cause }));
  try {
    return new QualityTable(p.quality.table);
  } catch (err) {
    throw new ProfileError('quality.table', (err as Error).message, { cause: err });
  }
}

/** A copy of `base` with some dynamics replaced (evaluation sweeps pin SNR or PACR this way). */
export function withDynamics(base: ServiceProfile, patch: Partial<DynamicsSpec>): ServiceProfile {
  return { ...base, dynamics: { ...base.dynamics, ...patch } };
}
