/**
 * Noise-aware receiver steps. The receiver gets z' = z_{τ_a} + n, n ~ N(0, σ²I) (σ² in
 * scaled-latent units, from the channel metadata), and runs the remaining K = T̂ − a DDIM
 * steps τ_a > τ_{a+1} > … of the same schedule. The variants differ in how they treat n;
 * the package README gives the math and the measured ablation.
 *
 *  naive     ignore σ²: plain DDIM with the edge UNet.
 *  prop1     the paper's Proposition 1 (eq. 8): z_{t−1} = (z_t − C(α,σ,t)·ε)/√α_t + σ̄_t·ε̃ with the
 *            semantic noise spread over the remaining steps (see `prop1Coefficients`).
 *  remap     effective-timestep re-mapping: the latent is treated as lying at t* whose
 *            noise-to-signal ratio matches ((1 − ᾱ_τ) + σ²)/ᾱ_τ, rescaled to the forward
 *            marginal at t*, then K DDIM steps re-spaced from t* down to the schedule's end.
 *  finetune  the bundle's fine-tuning UNet, conditioned on the remaining semantic-noise level
 *            σ_k² = σ²·(1 − ᾱ_{τ_k})/(1 − ᾱ_{τ_a}), with the unchanged DDIM step.
 */
import type { DDIMScheduler } from './ddim-scheduler';

export const RECEIVER_VARIANTS = ['naive', 'prop1', 'remap', 'finetune'] as const;
export type ReceiverVariant = (typeof RECEIVER_VARIANTS)[number];

/** Remaining semantic-noise variance at receiver timestep t (decays with the schedule's noise). */
export function decayedNoiseLevel(s: DDIMScheduler, sigma2: number, handoffT: number, t: number): number {
  return (sigma2 * (1 - s.alphaAt(t))) / (1 - s.alphaAt(handoffT));
}

/**
 * The timestep t* ≥ τ whose noise-to-signal ratio (1 − ᾱ)/ᾱ equals that of the received
 * latent, ((1 − ᾱ_τ) + σ²)/ᾱ_τ; clamped to the last training timestep.
 */
export function effectiveTimestep(s: DDIMScheduler, tau: number, sigma2: number): number {
  const aTau = s.alphaAt(tau);
  const target = (1 - aTau + sigma2) / aTau;
  const last = s.config.num_train_timesteps - 1;
  let lo = tau;
  let hi = last;
  if ((1 - s.alphaAt(hi)) / s.alphaAt(hi) <= target) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const a = s.alphaAt(mid);
    if ((1 - a) / a < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** K timesteps from t* down to the schedule's last timestep, evenly spaced. */
export function respacedTimesteps(tStar: number, tLast: number, k: number): number[] {
  if (k <= 0) return [];
  if (k === 1) return [tStar];
  return Array.from({ length: k }, (_, i) => Math.round(tStar - (i * (tStar - tLast)) / (k - 1)));
}

export interface Prop1Coefficients {
  /** C(α, σ, t) of eq. 8. */
  c: number;
  /** α of the stride: ᾱ_t / ᾱ_{t−1}. */
  alpha: number;
  /** σ̄_t: std of the fresh noise (posterior std of eq. 11–14; 0 for the deterministic reading). */
  sigmaBar: number;
}

/**
 * Eq. 8's C(α, σ, t) for a strided step t → t_prev, with our reading of the paper's
 * symbols (it defines them only through the schedule γ of eq. 10):
 *   α          = ᾱ_t / ᾱ_{t_prev}              (the paper's per-step α_t, for a DDIM stride)
 *   σ_t²       = semantic-noise variance still in z_t   (decayedNoiseLevel at t)
 *   σ_{t−1}²   = the same at t_prev (0 after the last step)
 *   σ_{t,t−1}² = max(σ_t² − α·σ_{t−1}², 0)     (variance the forward step t_prev → t adds)
 *   C = (1 − α + σ_{t,t−1}²)(√(1 − ᾱ_t) − σ_t²) / (1 − ᾱ_t + σ_{t−1}²·α + σ_{t,t−1}²)
 * As printed, the numerator mixes a std (√(1 − ᾱ_t)) with a variance (σ_t²); we keep it as
 * printed. With σ = 0 it reduces to DDPM's (1 − α)/√(1 − ᾱ_t).
 * σ̄_t² is the posterior variance (1 − ᾱ_{t−1} + σ_{t−1}²)(1 − α + σ_{t,t−1}²)/(1 − ᾱ_t + σ_t²),
 * scaled by η (η = 0: deterministic).
 */
export function prop1Coefficients(
  aT: number,
  aPrev: number,
  sigmaT2: number,
  sigmaPrev2: number,
  eta: number,
): Prop1Coefficients {
  const alpha = aT / aPrev;
  const sTT = Math.max(sigmaT2 - alpha * sigmaPrev2, 0);
  const c = ((1 - alpha + sTT) * (Math.sqrt(1 - aT) - sigmaT2)) / (1 - aT + sigmaPrev2 * alpha + sTT);
  const post = ((1 - aPrev + sigmaPrev2) * (1 - alpha + sTT)) / (1 - aT + sigmaT2);
  return { c, alpha, sigmaBar: eta * Math.sqrt(Math.max(post, 0)) };
}
