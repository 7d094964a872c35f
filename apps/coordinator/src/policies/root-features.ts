/**
 * The live request as the ROOT network's state: the lab's measurements mapped onto the
 * ranges the checkpoint was trained on, then clipped into them (and the clipped inputs
 * named), so a network trained in the simulator never extrapolates silently.
 *
 * A lab and a training profile run on different time scales (the default bundle steps in
 * ~2 ms on a CPU; the paper's profile in 0.2 s on a GPU). The split decision depends on
 * ratios — requirement over step time, transmission over compute — so the mapping keeps the
 * ratios and changes the unit: κ = (training edge step) / (the lab edge's step at full share),
 * and every time of the lab is multiplied by κ:
 *
 *   W̄_i = edge step at full share · κ            (= the training profile's edge step)
 *   ν̄_i = edge compute share                      (dimensionless)
 *   W̄_j = the training profile's reference device step
 *   ν̄_j = W̄_j / (receiver's effective step · κ)   (its announced stepMs already includes its share)
 *   SNR = the request's SNR                        (dimensionless)
 *   B̄   = B · O_train / (O_lab · κ)                (same transmission time, in training seconds)
 *   L̄_j = Ľ · κ,  L̂ · κ
 *
 * Features outside the checkpoint's ranges (normalised outside [0, 1]) are clipped to them
 * and named in `clipped`; the record of the request carries both (protocol's PolicyInputs).
 */
import { PAPER_PROFILE, toFeatures, type FeatureRange, type RequestConditions } from '@semaigc/root';
import type { DecisionContext } from './policy';

/** The training profile's figures the mapping needs (the paper profile's by default). */
export interface TrainingReference {
  /** Edge UNet step at full share in the training profile, s. */
  edgeStepS: number;
  /** Reference device step of the training profile, s. */
  deviceStepS: number;
  /** Bits of the latent the training profile sends (O). */
  latentBits: number;
}

export const PAPER_REFERENCE: TrainingReference = {
  edgeStepS: PAPER_PROFILE.edgeStepS,
  deviceStepS: PAPER_PROFILE.deviceStepS,
  latentBits: PAPER_PROFILE.latentBits,
};

/** The default bundle's latent: 4×8×8 float32 elements, 32 bits each on an analog link. */
export const DEFAULT_LAB_LATENT_BITS = 4 * 8 * 8 * 32;

export interface MappedState {
  conditions: RequestConditions;
  /** The network's input after clipping, in the checkpoint's feature order. */
  obs: Float32Array;
  /** Features that were outside [0, 1] before clipping. */
  clipped: string[];
  /** κ: training seconds per lab second. */
  timeScale: number;
}

/** The lab's request in training units (see the file comment); no clipping yet. */
export function trainingConditions(
  ctx: DecisionContext,
  ref: TrainingReference,
  labLatentBits: number,
): { conditions: RequestConditions; timeScale: number } {
  const edge = ctx.edge;
  // The announced stepMs is what a step takes at the node's share; at full share: × p.
  const edgeFullS = edge?.stepMs != null ? (edge.stepMs * edge.computeShare) / 1000 : null;
  const timeScale = edgeFullS !== null && edgeFullS > 0 ? ref.edgeStepS / edgeFullS : 1;
  const rxEffectiveS = ctx.receiver.stepMs != null ? ctx.receiver.stepMs / 1000 : null;
  return {
    timeScale,
    conditions: {
      edgeStepS: edgeFullS !== null ? edgeFullS * timeScale : ref.edgeStepS,
      deviceStepS: ref.deviceStepS,
      snrDb: ctx.snrDb,
      edgeShare: edge?.computeShare ?? 1,
      deviceCapability: rxEffectiveS !== null ? ref.deviceStepS / (rxEffectiveS * timeScale) : 1,
      bandwidthHz: (ctx.bandwidthHz * ref.latentBits) / (labLatentBits * timeScale),
      targetS: ctx.latency.minS * timeScale,
      limitS: ctx.latency.maxS * timeScale,
    },
  };
}

/** Normalises with the checkpoint's ranges and clips into them, naming what was clipped. */
export function clippedFeatures(
  c: RequestConditions,
  features: readonly FeatureRange[],
): { obs: Float32Array; clipped: string[] } {
  const obs = toFeatures(c, features);
  const clipped: string[] = [];
  for (let i = 0; i < obs.length; i++) {
    const v = obs[i]!;
    if (v < 0 || v > 1 || Number.isNaN(v)) {
      clipped.push(String(features[i]!.key));
      obs[i] = Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v));
    }
  }
  return { obs, clipped };
}

export function mapLiveState(
  ctx: DecisionContext,
  features: readonly FeatureRange[],
  ref: TrainingReference = PAPER_REFERENCE,
  labLatentBits = DEFAULT_LAB_LATENT_BITS,
): MappedState {
  const { conditions, timeScale } = trainingConditions(ctx, ref, labLatentBits);
  return { conditions, timeScale, ...clippedFeatures(conditions, features) };
}
