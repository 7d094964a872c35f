/**
 * The AGOD actor of D2SAC (D2SAC section IV, Table I; code diffusion/diffusion.py and
 * diffusion/model.py): a conditional denoising diffusion model whose sample, after
 * softmax, is the action distribution π_θ(s).
 *
 *   x_T ~ N(0, I)                                        (one value per ASP)
 *   for t = T−1 … 0:
 *     ε = tanh(MLP([x_t, emb(t), s]))                    noise estimate (eq. 11's tanh)
 *     x̂_0 = √(1/ᾱ_t)·x_t − √(1/ᾱ_t − 1)·ε                eq. 11
 *     μ   = c1_t·x̂_0 + c2_t·x_t                         posterior mean, eq. 10
 *     x_{t−1} = μ + σ_t·z, z ~ N(0, I), no noise at t = 0 σ_t = √β̃_t (the code's
 *                                                       exp(½·log β̃_t); the paper's eq. 14
 *                                                       prints (β̃_t/2)²)
 *   π_θ(s) = softmax(x_0)                                eq. 15
 *
 * emb(t) is a sinusoidal embedding of t (16 values) through Linear(16→32)–Mish–
 * Linear(32→16); the MLP is Linear–Mish–Linear–Mish–Linear with a tanh output. β_t follows
 * the VP schedule (β_min 0.1, β_max 10 over T steps). Differentiable end to end, so the
 * actor trains by back-propagating the critic through all T steps (reparameterisation).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@semaigc/root';
import {
  createMlpForward,
  initMlp,
  mlpForward,
  mlpVariables,
  softmax,
  toTfMlp,
  type MlpWeights,
  type TfMlp,
} from './mlp';

export interface DiffusionSchedule {
  steps: number;
  sqrtRecipAlphaBar: number[];
  sqrtRecipM1AlphaBar: number[];
  posteriorCoef1: number[];
  posteriorCoef2: number[];
  /** √β̃_t, 0 at t = 0 (no noise added on the last step). */
  sigma: number[];
}

/** The VP schedule (code vp_beta_schedule) and the DDPM posterior coefficients. */
export function vpSchedule(steps: number, betaMin: number, betaMax: number): DiffusionSchedule {
  const betas: number[] = [];
  for (let t = 1; t <= steps; t++) {
    betas.push(1 - Math.exp(-betaMin / steps - (0.5 * (betaMax - betaMin) * (2 * t - 1)) / steps ** 2));
  }
  const s: DiffusionSchedule = {
    steps,
    sqrtRecipAlphaBar: [],
    sqrtRecipM1AlphaBar: [],
    posteriorCoef1: [],
    posteriorCoef2: [],
    sigma: [],
  };
  let alphaBar = 1;
  betas.forEach((beta, t) => {
    const prev = alphaBar;
    alphaBar *= 1 - beta;
    s.sqrtRecipAlphaBar.push(Math.sqrt(1 / alphaBar));
    s.sqrtRecipM1AlphaBar.push(Math.sqrt(1 / alphaBar - 1));
    s.posteriorCoef1.push((beta * Math.sqrt(prev)) / (1 - alphaBar));
    s.posteriorCoef2.push(((1 - prev) * Math.sqrt(1 - beta)) / (1 - alphaBar));
    const variance = (beta * (1 - prev)) / (1 - alphaBar);
    // The code clips log β̃ at log 1e-20 and masks the noise at t = 0.
    s.sigma.push(t === 0 ? 0 : Math.exp(0.5 * Math.log(Math.max(variance, 1e-20))));
  });
  return s;
}

/** The sinusoidal position embedding of step t (code helpers.py SinusoidalPosEmb). */
export function sinusoidalEmbedding(t: number, dim: number): Float32Array {
  const half = dim / 2;
  const scale = Math.log(10000) / (half - 1);
  const e = new Float32Array(dim);
  for (let k = 0; k < half; k++) {
    const arg = t * Math.exp(-k * scale);
    e[k] = Math.sin(arg);
    e[half + k] = Math.cos(arg);
  }
  return e;
}

export interface DiffusionActorWeights {
  /** emb(t): Linear(dim→2dim)–Mish–Linear(2dim→dim). */
  time: MlpWeights;
  /** [x_t, emb(t), s] → ε: two Mish layers and a tanh output. */
  denoiser: MlpWeights;
}

export function initDiffusionActor(
  nFeatures: number,
  nActions: number,
  hidden: number,
  timeDim: number,
  rng: Rng,
): DiffusionActorWeights {
  return {
    time: initMlp([timeDim, 2 * timeDim, timeDim], ['mish', 'linear'], rng),
    denoiser: initMlp(
      [nActions + timeDim + nFeatures, hidden, hidden, nActions],
      ['mish', 'mish', 'tanh'],
      rng,
    ),
  };
}

export interface TfDiffusionActor {
  time: TfMlp;
  denoiser: TfMlp;
}

export function toTfDiffusionActor(w: DiffusionActorWeights, trainable: boolean): TfDiffusionActor {
  return { time: toTfMlp(w.time, trainable), denoiser: toTfMlp(w.denoiser, trainable) };
}

export function diffusionVariables(a: TfDiffusionActor): tf.Variable[] {
  return [...mlpVariables(a.time), ...mlpVariables(a.denoiser)];
}

/**
 * x_0 for a batch of states [n, features] (tfjs, differentiable); the noise comes from
 * tf.randomNormal seeded by `seed`, so a run is reproducible.
 */
export function sampleX0(
  a: TfDiffusionActor,
  schedule: DiffusionSchedule,
  obs: tf.Tensor2D,
  nActions: number,
  seed: number,
): tf.Tensor2D {
  const n = obs.shape[0];
  const timeDim = a.time.layers[0]!.w.shape[0];
  let x: tf.Tensor2D = tf.randomNormal<tf.Rank.R2>([n, nActions], 0, 1, 'float32', seed);
  for (let t = schedule.steps - 1; t >= 0; t--) {
    const emb = mlpForward(a.time, tf.tensor2d(sinusoidalEmbedding(t, timeDim), [1, timeDim]));
    const eps = mlpForward(a.denoiser, tf.concat([x, tf.tile(emb, [n, 1]), obs], 1));
    const x0 = tf.sub(
      tf.mul(schedule.sqrtRecipAlphaBar[t]!, x),
      tf.mul(schedule.sqrtRecipM1AlphaBar[t]!, eps),
    );
    const mean = tf.add<tf.Tensor2D>(
      tf.mul(schedule.posteriorCoef1[t]!, x0),
      tf.mul(schedule.posteriorCoef2[t]!, x),
    );
    const z = t > 0 ? tf.randomNormal<tf.Rank.R2>([n, nActions], 0, 1, 'float32', seed + 1 + t) : null;
    x = z ? tf.add<tf.Tensor2D>(mean, tf.mul(schedule.sigma[t]!, z)) : mean;
  }
  return x;
}

/** π_θ(s) for one state in plain JavaScript, with noise from `rng` (a fresh array). */
export function createDiffusionPolicy(
  w: DiffusionActorWeights,
  schedule: DiffusionSchedule,
): (obs: Float32Array, rng: Rng) => Float32Array {
  const timeDim = w.time.layers[0]!.inputs;
  const nActions = w.denoiser.layers[w.denoiser.layers.length - 1]!.outputs;
  const timeForward = createMlpForward(w.time);
  // emb(t) does not depend on the state: computed once per set of weights.
  const embeddings = Array.from({ length: schedule.steps }, (_, t) =>
    timeForward(sinusoidalEmbedding(t, timeDim)).slice(),
  );
  const denoise = createMlpForward(w.denoiser);
  const input = new Float32Array(w.denoiser.layers[0]!.inputs);
  return (obs: Float32Array, rng: Rng): Float32Array => {
    let x = Float32Array.from({ length: nActions }, () => rng.normal());
    for (let t = schedule.steps - 1; t >= 0; t--) {
      input.set(x, 0);
      input.set(embeddings[t]!, nActions);
      input.set(obs, nActions + timeDim);
      const eps = denoise(input);
      const next = new Float32Array(nActions);
      for (let k = 0; k < nActions; k++) {
        const x0 = schedule.sqrtRecipAlphaBar[t]! * x[k]! - schedule.sqrtRecipM1AlphaBar[t]! * eps[k]!;
        const mean = schedule.posteriorCoef1[t]! * x0 + schedule.posteriorCoef2[t]! * x[k]!;
        next[k] = t > 0 ? mean + schedule.sigma[t]! * rng.normal() : mean;
      }
      x = next;
    }
    return softmax(x);
  };
}
