/**
 * The MDP state x = {W̄_i, W̄_j, SNR, ν̄_i, ν̄_j, B̄, L̄_j} (SemAIGC paper, section IV-B),
 * normalised for the network: each feature is (value − min)/(max − min) over the range
 * below, so the paper profile's conditions land in [0, 1]. Values outside a range are not
 * clipped (a measured state may lie outside the paper's ranges; the network extrapolates).
 * The ranges are saved with a checkpoint so that a loaded agent normalises as it was trained.
 */
import type { RequestConditions } from './conditions';

export interface FeatureRange {
  /** The field of RequestConditions. */
  key: keyof RequestConditions;
  /** The paper's symbol. */
  symbol: string;
  min: number;
  max: number;
}

export const DEFAULT_FEATURES: readonly FeatureRange[] = [
  { key: 'edgeStepS', symbol: 'W̄_i (edge step at full share, s)', min: 0, max: 1 },
  { key: 'deviceStepS', symbol: 'W̄_j (device step on the reference device, s)', min: 0, max: 1 },
  { key: 'snrDb', symbol: 'SNR (dB)', min: -6, max: 15 },
  { key: 'edgeShare', symbol: 'ν̄_i (edge compute share, PACR)', min: 0, max: 1 },
  { key: 'deviceCapability', symbol: 'ν̄_j (device capability)', min: 0, max: 1 },
  { key: 'bandwidthHz', symbol: 'B̄ (bandwidth, Hz)', min: 0, max: 20e6 },
  { key: 'targetS', symbol: 'L̄_j (latency requirement Ľ, s)', min: 5, max: 25 },
];

export function checkFeatures(features: readonly FeatureRange[]): void {
  if (features.length === 0) throw new TypeError('features: at least one feature is required');
  features.forEach((f, i) => {
    if (!(Number.isFinite(f.min) && Number.isFinite(f.max) && f.max > f.min)) {
      throw new TypeError(`features[${i}] (${String(f.key)}): max must be > min, both finite`);
    }
  });
}

/** Writes the normalised state of `c` into `out` (allocated when not given). */
export function toFeatures(
  c: RequestConditions,
  features: readonly FeatureRange[] = DEFAULT_FEATURES,
  out: Float32Array = new Float32Array(features.length),
): Float32Array {
  for (let i = 0; i < features.length; i++) {
    const f = features[i]!;
    out[i] = (c[f.key] - f.min) / (f.max - f.min);
  }
  return out;
}
