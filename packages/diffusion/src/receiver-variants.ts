/**
 * Noise-aware receiver steps. The receiver gets z' = z_{τ_a} + n, n ~ N(0, σ²I) (σ² in
 * scaled-latent units, from the channel metadata), and runs the remaining K = T̂ − a steps
 * τ_a > τ_{a+1} > … of the same schedule. The variants differ in how they treat n; the
 * package README gives one equation per variant and the measured ablation.
 *
 *  naive       ignore σ²: plain DDIM (η = 0) with the edge UNet.
 *  prop1       the paper's Proposition 1 (eq. 8), deterministic reading (σ̄_t = 0):
 *              z_prev = (z_t − C(α,σ,t)·ε̂)/√α with the semantic noise decayed over the remaining
 *              steps (see `prop1Coefficients`). With σ² = 0 it is plain DDIM.
 *  prop1-eta1  the same update plus the posterior noise σ̄_t·ε̃ (η = 1), at every step and also
 *              with σ² = 0, where it is DDPM ancestral sampling over the strided schedule.
 *  remap       effective-timestep re-mapping: the latent is treated as lying at t* whose
 *              noise-to-signal ratio matches ((1 − ᾱ_τ) + σ²)/ᾱ_τ, rescaled to the forward
 *              marginal at t*, then K DDIM steps re-spaced from t* down to the schedule's end.
 *  finetune    the bundle's fine-tuning UNet, conditioned on the remaining semantic-noise level
 *              σ_k² = σ²·(1 − ᾱ_{τ_k})/(1 − ᾱ_{τ_a}), with the unchanged DDIM step.
 *
 * `planReceiver` fixes everything a variant decides before the first UNet call (timesteps,
 * input scale, noise levels); `receiverUpdate` is one step given the UNet's ε̂. The sampler
 * runs the UNet in between; tests check both against the Python side's values.
 */
import type { DDIMScheduler } from './ddim-scheduler';

export const RECEIVER_VARIANTS = ['naive', 'prop1', 'prop1-eta1', 'remap', 'finetune'] as const;
export type ReceiverVariant = (typeof RECEIVER_VARIANTS)[number];

/** η of the Prop. 1 variants (the scale of the posterior noise σ̄_t); 0 for the others. */
export function variantEta(variant: ReceiverVariant): number {
  return variant === 'prop1-eta1' ? 1 : 0;
}

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
  /** σ̄_t: std of the fresh noise (posterior std of eq. 11–14, times η). */
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

/** What a variant decides before its first UNet call, for one received latent. */
export interface ReceiverPlan {
  variant: ReceiverVariant;
  /** σ² of the received latent (scaled-latent units). */
  sigma2: number;
  /** τ_a, the timestep the edge handed off at. */
  handoffT: number;
  /** The timesteps the receiver evaluates the UNet at (remap: re-spaced from t*). */
  timesteps: number[];
  /** The timestep each step goes to: the next one, then the schedule's end (may be < 0). */
  prevTimesteps: number[];
  /** Factor on the received latent before the first step (remap: √(ᾱ_{t*}/ᾱ_{τ_a}); else 1). */
  inputScale: number;
  /** remap's effective timestep (null for the other variants, or when σ² = 0). */
  tStar: number | null;
  /** σ_k² at each step (what the fine-tuning UNet is conditioned on; the Prop. 1 σ_t²). */
  noiseLevels: number[];
  /** The UNet the variant runs. */
  component: 'unet' | 'unet_finetune';
  /** Scale of the fresh noise per step (prop1-eta1: 1); 0 needs no noise. */
  eta: number;
}

/**
 * The plan for receiver steps fromIndex … T̂−1 of `s` (setTimesteps already called) on a
 * latent received with semantic-noise variance σ².
 */
export function planReceiver(
  s: DDIMScheduler,
  variant: ReceiverVariant,
  fromIndex: number,
  sigma2: number,
): ReceiverPlan {
  const all = s.timesteps;
  if (!Number.isInteger(fromIndex) || fromIndex < 0 || fromIndex >= all.length) {
    throw new TypeError(
      `planReceiver: fromIndex must be an integer in [0, ${all.length - 1}], got ${fromIndex}`,
    );
  }
  if (!(Number.isFinite(sigma2) && sigma2 >= 0))
    throw new TypeError(`planReceiver: sigma2 must be finite and >= 0, got ${sigma2}`);
  const handoffT = all[fromIndex]!;
  const tLast = all[all.length - 1]!;
  const k = all.length - fromIndex;
  let timesteps = all.slice(fromIndex);
  let inputScale = 1;
  let tStar: number | null = null;
  if (variant === 'remap' && sigma2 > 0) {
    // Re-map to t*, rescale onto the forward marginal at t*, and re-space the K steps.
    tStar = effectiveTimestep(s, handoffT, sigma2);
    inputScale = Math.sqrt(s.alphaAt(tStar) / s.alphaAt(handoffT));
    timesteps = respacedTimesteps(tStar, tLast, k);
  }
  const prevTimesteps = timesteps.map((_, j) =>
    j + 1 < timesteps.length ? timesteps[j + 1]! : s.prevTimestepOf(tLast),
  );
  return {
    variant,
    sigma2,
    handoffT,
    timesteps,
    prevTimesteps,
    inputScale,
    tStar,
    noiseLevels: timesteps.map((t) => decayedNoiseLevel(s, sigma2, handoffT, t)),
    component: variant === 'finetune' ? 'unet_finetune' : 'unet',
    eta: variantEta(variant),
  };
}

/** Whether step updates of this plan follow eq. 8 (else the DDIM step). */
function usesProp1(plan: ReceiverPlan): boolean {
  return plan.eta > 0 || (plan.variant === 'prop1' && plan.sigma2 > 0);
}

/**
 * Receiver step j of `plan`: z_t → z_prev given the guided ε̂ at z_t. `fresh` is N(0, 1) noise
 * of the latent's length, required when plan.eta > 0 (prop1-eta1) and ignored otherwise.
 */
export function receiverUpdate(
  s: DDIMScheduler,
  plan: ReceiverPlan,
  j: number,
  z: Float32Array,
  eps: Float32Array,
  fresh?: Float32Array,
): Float32Array {
  const t = plan.timesteps[j];
  if (t === undefined)
    throw new RangeError(`receiverUpdate: step ${j} is outside the plan's ${plan.timesteps.length}`);
  const prevT = plan.prevTimesteps[j]!;
  if (!usesProp1(plan)) return s.step(eps, t, z, { prevTimestep: prevT }).prevSample;
  if (eps.length !== z.length)
    throw new TypeError(`receiverUpdate: eps has ${eps.length} elements, the latent ${z.length}`);
  const last = j + 1 === plan.timesteps.length;
  const co = prop1Coefficients(
    s.alphaAt(t),
    s.alphaAt(prevT),
    plan.noiseLevels[j]!,
    last ? 0 : plan.noiseLevels[j + 1]!,
    plan.eta,
  );
  const noisy = plan.eta > 0 && co.sigmaBar > 0;
  if (noisy && fresh?.length !== z.length)
    throw new TypeError(
      `receiverUpdate: ${plan.variant} needs fresh noise of the latent's length (${z.length})`,
    );
  const inv = 1 / Math.sqrt(co.alpha);
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++)
    out[i] = (z[i]! - co.c * eps[i]!) * inv + (noisy ? co.sigmaBar * fresh![i]! : 0);
  return out;
}
