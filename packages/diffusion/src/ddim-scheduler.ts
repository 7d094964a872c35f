/**
 * DDIM scheduler (Song et al., "Denoising Diffusion Implicit Models", 2021), following the
 * semantics of diffusers' `DDIMScheduler` so that a real Stable Diffusion export and our
 * bundle behave the same. Numbered comments refer to DDIM's equation (12):
 *
 *   x_{t-1} = √ᾱ_{t-1} · x̂0  +  √(1 − ᾱ_{t-1} − σ_t²) · ε̂  +  σ_t · z,
 *   x̂0 = (x_t − √(1 − ᾱ_t) · ε̂) / √ᾱ_t,
 *   σ_t = η · √((1 − ᾱ_{t-1}) / (1 − ᾱ_t)) · √(1 − ᾱ_t / ᾱ_{t-1}).
 *
 * Coefficients are computed in float64; latents stay float32 like the ONNX tensors.
 */
import { DiffusionError } from './errors';

/** The fields of diffusers' scheduler_config.json that DDIM uses. */
export interface SchedulerConfig {
  num_train_timesteps: number;
  beta_start: number;
  beta_end: number;
  beta_schedule: 'linear' | 'scaled_linear';
  steps_offset: number;
  set_alpha_to_one: boolean;
  clip_sample: boolean;
  clip_sample_range?: number;
  prediction_type: 'epsilon' | 'v_prediction' | 'sample';
  timestep_spacing: 'leading' | 'trailing' | 'linspace';
}

/** Stable Diffusion v1.5's scheduler settings (also our bundle's). */
export const DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  steps_offset: 1,
  set_alpha_to_one: false,
  clip_sample: false,
  clip_sample_range: 1,
  prediction_type: 'epsilon',
  timestep_spacing: 'leading',
};

export function parseSchedulerConfig(json: unknown): SchedulerConfig {
  if (typeof json !== 'object' || json === null) throw new TypeError('scheduler config: expected an object');
  const c = { ...DEFAULT_SCHEDULER_CONFIG, ...(json as Partial<SchedulerConfig>) };
  const need = (ok: boolean, field: string, what: string): void => {
    if (!ok) throw new TypeError(`scheduler config: ${field} ${what}`);
  };
  need(
    Number.isInteger(c.num_train_timesteps) && c.num_train_timesteps > 1,
    'num_train_timesteps',
    'must be an integer > 1',
  );
  need(
    c.beta_start > 0 && c.beta_end > c.beta_start && c.beta_end < 1,
    'beta_start/beta_end',
    'must satisfy 0 < start < end < 1',
  );
  need(
    ['linear', 'scaled_linear'].includes(c.beta_schedule),
    'beta_schedule',
    `'${c.beta_schedule}' is not supported`,
  );
  need(
    ['epsilon', 'v_prediction', 'sample'].includes(c.prediction_type),
    'prediction_type',
    `'${c.prediction_type}' is not supported`,
  );
  need(
    ['leading', 'trailing', 'linspace'].includes(c.timestep_spacing),
    'timestep_spacing',
    `'${c.timestep_spacing}' is not supported`,
  );
  need(Number.isInteger(c.steps_offset) && c.steps_offset >= 0, 'steps_offset', 'must be an integer >= 0');
  return c;
}

export interface StepOptions {
  /** η ∈ [0, 1]: 0 is deterministic DDIM, 1 is DDPM-like. */
  eta?: number;
  /** Standard-normal noise for η > 0 (same length as the sample); required then. */
  varianceNoise?: Float32Array;
  /** Overrides the previous timestep (used when a receiver re-spaces its remaining steps). */
  prevTimestep?: number;
}

export interface StepResult {
  prevSample: Float32Array;
  predOriginal: Float32Array;
}

export class DDIMScheduler {
  readonly config: SchedulerConfig;
  /** ᾱ_t for t = 0 … N−1. */
  readonly alphasCumprod: Float64Array;
  /** ᾱ used for the step after t = 0 (1 with set_alpha_to_one, else ᾱ_0). */
  readonly finalAlphaCumprod: number;
  /** Timesteps of the current schedule, descending (after setTimesteps). */
  timesteps: number[] = [];
  numInferenceSteps = 0;

  constructor(config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG) {
    this.config = parseSchedulerConfig(config);
    const { num_train_timesteps: n, beta_start: b0, beta_end: b1 } = this.config;
    const betas = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const f = n === 1 ? 0 : i / (n - 1);
      // scaled_linear is linear in √β (the latent-diffusion schedule); linear is linear in β.
      betas[i] =
        this.config.beta_schedule === 'scaled_linear'
          ? (Math.sqrt(b0) + f * (Math.sqrt(b1) - Math.sqrt(b0))) ** 2
          : b0 + f * (b1 - b0);
    }
    this.alphasCumprod = new Float64Array(n);
    let prod = 1;
    for (let i = 0; i < n; i++) {
      prod *= 1 - betas[i]!; // ᾱ_t = Π_{s ≤ t} (1 − β_s)
      this.alphasCumprod[i] = prod;
    }
    this.finalAlphaCumprod = this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0]!;
  }

  /** Number of training steps between two inference steps ('leading' / 'trailing'). */
  get stepRatio(): number {
    return Math.floor(this.config.num_train_timesteps / this.numInferenceSteps);
  }

  /** Chooses `n` inference timesteps (descending), as diffusers' set_timesteps does. */
  setTimesteps(n: number): number[] {
    const N = this.config.num_train_timesteps;
    if (!Number.isInteger(n) || n < 1 || n > N)
      throw new TypeError(`setTimesteps: n must be an integer in [1, ${N}], got ${n}`);
    this.numInferenceSteps = n;
    let ts: number[];
    switch (this.config.timestep_spacing) {
      case 'leading': {
        const r = Math.floor(N / n);
        ts = Array.from({ length: n }, (_, i) => Math.round(i * r) + this.config.steps_offset).reverse();
        break;
      }
      case 'trailing': {
        const r = N / n;
        ts = Array.from({ length: n }, (_, i) => Math.round(N - i * r) - 1);
        break;
      }
      case 'linspace':
        ts = Array.from({ length: n }, (_, i) => Math.round(((N - 1) * i) / Math.max(1, n - 1))).reverse();
        break;
    }
    this.timesteps = ts;
    return [...ts];
  }

  alphaAt(t: number): number {
    return t >= 0 ? this.alphasCumprod[Math.min(t, this.alphasCumprod.length - 1)]! : this.finalAlphaCumprod;
  }

  /** The previous timestep diffusers uses for `t` (t − N/n, may be negative → ᾱ_final). */
  prevTimestepOf(t: number): number {
    if (this.numInferenceSteps === 0)
      throw new DiffusionError('DDIMScheduler.step: call setTimesteps() first');
    return t - this.stepRatio;
  }

  /** One reverse step from timestep `t` given the model output. */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, opts: StepOptions = {}): StepResult {
    if (modelOutput.length !== sample.length) {
      throw new TypeError(
        `DDIMScheduler.step: model output has ${modelOutput.length} elements, sample ${sample.length}`,
      );
    }
    const eta = opts.eta ?? 0;
    if (eta < 0 || eta > 1) throw new TypeError(`DDIMScheduler.step: eta must be in [0, 1], got ${eta}`);
    // 1. previous timestep t−Δ (or the caller's override for re-spaced receiver schedules)
    const prevT = opts.prevTimestep ?? this.prevTimestepOf(t);
    // 2. ᾱ_t and ᾱ_{t−1}
    const aT = this.alphaAt(t);
    const aPrev = this.alphaAt(prevT);
    const bT = 1 - aT;
    const sqrtAT = Math.sqrt(aT);
    const sqrtBT = Math.sqrt(bT);
    // 5. σ_t² = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · (1 − ᾱ_t / ᾱ_{t−1}), σ_t = η·√σ_t²
    const variance = ((1 - aPrev) / bT) * (1 - aT / aPrev);
    const std = eta * Math.sqrt(Math.max(variance, 0));
    if (std > 0 && (!opts.varianceNoise || opts.varianceNoise.length !== sample.length)) {
      throw new TypeError('DDIMScheduler.step: eta > 0 needs varianceNoise of the sample length');
    }
    const dirCoef = Math.sqrt(Math.max(1 - aPrev - std * std, 0));
    const sqrtAPrev = Math.sqrt(aPrev);
    const clip = this.config.clip_sample ? (this.config.clip_sample_range ?? 1) : Infinity;
    const predOriginal = new Float32Array(sample.length);
    const prevSample = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      // 3. x̂0 and ε̂ from the model output (eq. 12's "predicted x0")
      let x0: number;
      let eps: number;
      switch (this.config.prediction_type) {
        case 'epsilon':
          x0 = (x - sqrtBT * m) / sqrtAT;
          eps = m;
          break;
        case 'sample':
          x0 = m;
          eps = (x - sqrtAT * m) / sqrtBT;
          break;
        case 'v_prediction':
          x0 = sqrtAT * x - sqrtBT * m;
          eps = sqrtAT * m + sqrtBT * x;
          break;
      }
      // 4. optional clipping of x̂0 (recomputing ε̂ as diffusers does)
      if (x0 > clip || x0 < -clip) {
        x0 = Math.max(-clip, Math.min(clip, x0));
        eps = (x - sqrtAT * x0) / sqrtBT;
      }
      predOriginal[i] = x0;
      // 6–7. direction pointing to x_t and x_{t−1} without the random part
      let prev = sqrtAPrev * x0 + dirCoef * eps;
      // 8. random part for η > 0
      if (std > 0) prev += std * opts.varianceNoise![i]!;
      prevSample[i] = prev;
    }
    return { prevSample, predOriginal };
  }
}
