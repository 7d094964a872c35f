/**
 * Split sampling. The edge runs DDIM steps 0 … a−1 of the T̂-step schedule and hands off the
 * genuine intermediate latent z_{τ_a} (not a re-noised final latent, as the paper's public
 * code does); the receiver runs steps a … T̂−1 with a noise-aware variant and decodes.
 *   a = 0   Local AIGC: the receiver encodes the text and runs every step from its own noise.
 *   a = T̂   Non-fine-tuning AIGC: no receiver steps; the receiver only decodes.
 */
import { fillGaussian, rngFor } from '@semaigc/channel';
import type { LoadedBundle } from './bundle/load';
import { latentSize } from './bundle/manifest';
import type { DDIMScheduler } from './ddim-scheduler';
import { TensorError } from './errors';
import { initialNoise } from './noise';
import type { OrtModule } from './ort';
import { planReceiver, receiverUpdate, type ReceiverPlan, type ReceiverVariant } from './receiver-variants';
import { assertFinite, assertLength } from './tensors';
import { encodeIds, textDims, type TextStates } from './text-encoder';
import { guidedEps, guidedEpsBatch, type CfgMode } from './unet';

export interface StepInfo {
  /** Index in the T̂-step schedule (0-based). */
  index: number;
  timestep: number;
  ms: number;
  /** The latent after this step (do not modify; copy to keep). */
  latent: Float32Array;
}

/** Awaited after each step; the edge uses it to stretch steps to measured/p (PACR). */
export type OnStep = (info: StepInfo) => void | Promise<void>;

export interface EdgeDenoiseInput {
  prompt?: string;
  textStates?: TextStates;
  seed?: number;
  /** Overrides the seeded noise (parity tests feed the fixtures' torch noise). */
  initialNoise?: Float32Array;
  totalSteps: number;
  edgeSteps: number;
  guidanceScale?: number;
  onStep?: OnStep;
  requestId?: string;
}

export interface EdgeDenoiseResult {
  latent: Float32Array;
  /** a: steps done; the receiver continues at schedule index a. */
  stepIndex: number;
  /** τ_a, the timestep the latent lies at (the next one to run); null when a = T̂. */
  timestep: number | null;
  textStates: TextStates;
  textEncodeMs: number;
  stepMs: number[];
}

export interface DeviceDenoiseInput {
  latent: Float32Array;
  fromIndex: number;
  totalSteps: number;
  /** σ² of the semantic noise in scaled-latent units (0 for a clean hand-off). */
  noiseVariance: number;
  variant: ReceiverVariant;
  prompt?: string;
  textStates?: TextStates;
  guidanceScale?: number;
  /** Seeds the fresh noise of the prop1-eta1 variant (stream 'prop1'; default 0). */
  seed?: number;
  onStep?: OnStep;
  requestId?: string;
}

export interface DeviceDenoiseResult {
  latent: Float32Array;
  textEncodeMs: number;
  stepMs: number[];
  /** Timesteps actually run (remap re-spaces them). */
  timesteps: number[];
  /** remap's effective timestep t* (null otherwise, or with σ² = 0). */
  tStar: number | null;
}

/** One request of a receiver batch (the split benchmark runs many at once). */
export interface DeviceBatchItem {
  latent: Float32Array;
  noiseVariance: number;
  textStates: TextStates;
  seed?: number;
}

/** What every request of a receiver batch shares. */
export interface DeviceBatchInput {
  fromIndex: number;
  totalSteps: number;
  variant: ReceiverVariant;
  guidanceScale?: number;
}

export interface DeviceBatchResult {
  latents: Float32Array[];
  plans: ReceiverPlan[];
  /** Wall time of each batched step (all requests together). */
  stepMs: number[];
}

const now = (): number => performance.now();

export class SplitSampler {
  readonly size: number;
  cfgMode: CfgMode | undefined;
  private uncond: Float32Array | null = null;

  constructor(
    readonly bundle: LoadedBundle,
    readonly ort: OrtModule,
  ) {
    this.size = latentSize(bundle.manifest);
  }

  private tag(requestId: string | undefined): string {
    return requestId ? `[request:${requestId}] ` : '';
  }

  private schedule(totalSteps: number): DDIMScheduler {
    if (!Number.isInteger(totalSteps) || totalSteps < 1 || totalSteps > 1000) {
      throw new TypeError(`totalSteps must be an integer in [1, 1000], got ${totalSteps}`);
    }
    const s = this.bundle.newScheduler();
    s.setTimesteps(totalSteps);
    return s;
  }

  async encodePrompt(prompt: string, strict = false): Promise<TextStates> {
    const ids = this.bundle.tokenizer.encode(prompt, { strict });
    if (!this.uncond) {
      this.uncond = await encodeIds(
        this.bundle,
        this.ort,
        this.bundle.tokenizer.encode(this.bundle.manifest.text.uncond_prompt),
      );
    }
    return {
      cond: await encodeIds(this.bundle, this.ort, ids),
      uncond: this.uncond,
      dims: textDims(this.bundle),
    };
  }

  private async textFor(
    input: { prompt?: string; textStates?: TextStates },
    who: string,
  ): Promise<[TextStates, number]> {
    if (input.textStates) return [input.textStates, 0];
    if (typeof input.prompt !== 'string') throw new TypeError(`${who}: give prompt or textStates`);
    const t0 = now();
    const states = await this.encodePrompt(input.prompt);
    return [states, now() - t0];
  }

  async edgeDenoise(input: EdgeDenoiseInput): Promise<EdgeDenoiseResult> {
    const tag = this.tag(input.requestId);
    const s = this.schedule(input.totalSteps);
    const a = input.edgeSteps;
    if (!Number.isInteger(a) || a < 0 || a > input.totalSteps) {
      throw new TypeError(`${tag}edgeSteps must be an integer in [0, ${input.totalSteps}], got ${a}`);
    }
    let z: Float32Array;
    if (input.initialNoise) {
      assertLength(input.initialNoise, this.size, `${tag}initial noise`, this.shapeText());
      z = Float32Array.from(input.initialNoise);
    } else {
      if (input.seed === undefined) throw new TypeError(`${tag}edgeDenoise: give seed or initialNoise`);
      z = initialNoise(input.seed, this.size);
    }
    const [text, textEncodeMs] =
      a > 0 ? await this.textFor(input, 'edgeDenoise') : [input.textStates ?? emptyText(), 0];
    const scale = input.guidanceScale ?? this.bundle.manifest.guidance_scale;
    const stepMs: number[] = [];
    for (let i = 0; i < a; i++) {
      const t = s.timesteps[i]!;
      const t0 = now();
      const eps = await guidedEps(this.bundle, this.ort, {
        component: 'unet',
        sample: z,
        timestep: t,
        cond: text.cond,
        uncond: text.uncond,
        guidanceScale: scale,
        cfgMode: this.cfgMode,
      });
      z = s.step(eps, t, z).prevSample;
      const ms = now() - t0;
      stepMs.push(ms);
      await input.onStep?.({ index: i, timestep: t, ms, latent: z });
    }
    assertFinite(z, `${tag}edge latent`);
    return {
      latent: z,
      stepIndex: a,
      timestep: s.timesteps[a] ?? null,
      textStates: text,
      textEncodeMs,
      stepMs,
    };
  }

  async deviceDenoise(input: DeviceDenoiseInput): Promise<DeviceDenoiseResult> {
    const tag = this.tag(input.requestId);
    const s = this.schedule(input.totalSteps);
    const from = input.fromIndex;
    if (!Number.isInteger(from) || from < 0 || from > input.totalSteps) {
      throw new TypeError(`${tag}fromIndex must be an integer in [0, ${input.totalSteps}], got ${from}`);
    }
    assertLength(input.latent, this.size, `${tag}received latent`, this.shapeText());
    assertFinite(input.latent, `${tag}received latent`);
    const sigma2 = input.noiseVariance;
    if (!(Number.isFinite(sigma2) && sigma2 >= 0))
      throw new TypeError(`${tag}noiseVariance must be finite and >= 0, got ${sigma2}`);
    let z: Float32Array = Float32Array.from(input.latent);
    if (from === input.totalSteps)
      return { latent: z, textEncodeMs: 0, stepMs: [], timesteps: [], tStar: null };
    const [text, textEncodeMs] = await this.textFor(input, 'deviceDenoise');
    const scale = input.guidanceScale ?? this.bundle.manifest.guidance_scale;
    const plan = planReceiver(s, input.variant, from, sigma2);
    if (plan.inputScale !== 1) for (let i = 0; i < z.length; i++) z[i] = z[i]! * plan.inputScale;
    const rng = plan.eta > 0 ? rngFor(input.seed ?? 0, 'prop1') : null;
    const fresh = rng ? new Float32Array(z.length) : undefined;
    const stepMs: number[] = [];
    for (let j = 0; j < plan.timesteps.length; j++) {
      const t = plan.timesteps[j]!;
      const t0 = now();
      const eps = await guidedEps(this.bundle, this.ort, {
        component: plan.component,
        sample: z,
        timestep: t,
        cond: text.cond,
        uncond: text.uncond,
        guidanceScale: scale,
        noiseLevel: plan.component === 'unet_finetune' ? plan.noiseLevels[j] : undefined,
        cfgMode: this.cfgMode,
      });
      if (rng && fresh) fillGaussian(rng, fresh);
      z = receiverUpdate(s, plan, j, z, eps, fresh);
      const ms = now() - t0;
      stepMs.push(ms);
      await input.onStep?.({ index: from + j, timestep: t, ms, latent: z });
    }
    assertFinite(z, `${tag}receiver latent`);
    return { latent: z, textEncodeMs, stepMs, timesteps: plan.timesteps, tStar: plan.tStar };
  }

  /**
   * `deviceDenoise` for many requests at once (same hand-off, variant and guidance): one UNet
   * call of batch 2B per step. Each request keeps its own plan (remap's t* depends on its σ²)
   * and its own prop1-eta1 noise stream, so item i gives what `deviceDenoise` gives for it.
   */
  async deviceDenoiseBatch(input: DeviceBatchInput, items: DeviceBatchItem[]): Promise<DeviceBatchResult> {
    const s = this.schedule(input.totalSteps);
    const n = this.size;
    const b = items.length;
    const latents = items.map((it, i) => {
      assertLength(it.latent, n, `batch item ${i}: received latent`, this.shapeText());
      assertFinite(it.latent, `batch item ${i}: received latent`);
      return Float32Array.from(it.latent);
    });
    if (input.fromIndex === input.totalSteps || b === 0) return { latents, plans: [], stepMs: [] };
    const plans = items.map((it) => planReceiver(s, input.variant, input.fromIndex, it.noiseVariance));
    const rngs = plans.map((p, i) => (p.eta > 0 ? rngFor(items[i]!.seed ?? 0, 'prop1') : null));
    const z = new Float32Array(b * n);
    latents.forEach((l, i) => {
      for (let k = 0; k < n; k++) z[i * n + k] = l[k]! * plans[i]!.inputScale;
    });
    const conds = new Float32Array(b * items[0]!.textStates.cond.length);
    items.forEach((it, i) => conds.set(it.textStates.cond, i * it.textStates.cond.length));
    const scale = input.guidanceScale ?? this.bundle.manifest.guidance_scale;
    const component = plans[0]!.component;
    const fresh = new Float32Array(n);
    const stepMs: number[] = [];
    for (let j = 0; j < plans[0]!.timesteps.length; j++) {
      const t0 = now();
      const eps = await guidedEpsBatch(this.bundle, this.ort, {
        component,
        samples: z,
        timesteps: Float32Array.from(plans, (p) => p.timesteps[j]!),
        conds,
        uncond: items[0]!.textStates.uncond,
        guidanceScale: scale,
        noiseLevels:
          component === 'unet_finetune' ? Float32Array.from(plans, (p) => p.noiseLevels[j]!) : undefined,
        cfgMode: this.cfgMode,
      });
      for (let i = 0; i < b; i++) {
        const rng = rngs[i];
        if (rng) fillGaussian(rng, fresh);
        const zi = receiverUpdate(
          s,
          plans[i]!,
          j,
          z.subarray(i * n, (i + 1) * n),
          eps.subarray(i * n, (i + 1) * n),
          rng ? fresh : undefined,
        );
        z.set(zi, i * n);
      }
      stepMs.push(now() - t0);
    }
    for (let i = 0; i < b; i++) {
      latents[i] = z.slice(i * n, (i + 1) * n);
      assertFinite(latents[i]!, `batch item ${i}: receiver latent`);
    }
    return { latents, plans, stepMs };
  }

  shapeText(): string {
    const l = this.bundle.manifest.latent;
    return `1x${l.channels}x${l.height}x${l.width}`;
  }

  /** Throws unless `latent` has this bundle's latent size and finite values. */
  checkLatent(latent: Float32Array, what: string): void {
    if (latent.length !== this.size)
      throw new TensorError(
        `${what}: shape ${this.shapeText()} needs ${this.size} elements, got ${latent.length}`,
      );
    assertFinite(latent, what);
  }
}

function emptyText(): TextStates {
  return { cond: new Float32Array(0), uncond: new Float32Array(0), dims: [0, 0] };
}
