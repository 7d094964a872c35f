/**
 * One guided UNet evaluation: ε = ε_u + s·(ε_c − ε_u) (classifier-free guidance, the
 * diffusers convention with batch order [uncond, cond]). `batch` runs both halves in one
 * call with batch 2; `sequential` makes two batch-1 calls. Which is faster depends on the
 * runtime; `npm run bench -- diffusion` measures both and DEFAULT_CFG_MODE is the winner.
 */
import type { LoadedBundle } from './bundle/load';
import type { ComponentName, TensorDtype } from './bundle/manifest';
import { feed, readFloat32 } from './dtype';
import type { OrtModule, InferenceSession, Tensor } from './ort';

export type CfgMode = 'batch' | 'sequential';
export const DEFAULT_CFG_MODE: CfgMode = 'batch';

export interface UnetCall {
  component: Extract<ComponentName, 'unet' | 'unet_finetune'>;
  sample: Float32Array;
  timestep: number;
  cond: Float32Array;
  uncond: Float32Array;
  guidanceScale: number;
  /** σ² for the fine-tuning UNet (scaled-latent units); ignored by the edge UNet. */
  noiseLevel?: number;
  cfgMode?: CfgMode;
}

/**
 * B latents in one call (the split benchmark batches many requests): per-sample timesteps,
 * text states and noise levels; the unconditional states are shared.
 */
export interface UnetBatchCall {
  component: UnetCall['component'];
  /** B latents back to back. */
  samples: Float32Array;
  /** B timesteps. */
  timesteps: Float32Array;
  /** B conditional text states back to back. */
  conds: Float32Array;
  uncond: Float32Array;
  guidanceScale: number;
  /** B noise levels for the fine-tuning UNet. */
  noiseLevels?: Float32Array;
  cfgMode?: CfgMode;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function repeat(x: Float32Array, times: number): Float32Array {
  const out = new Float32Array(x.length * times);
  for (let i = 0; i < times; i++) out.set(x, i * x.length);
  return out;
}

async function run(
  session: InferenceSession,
  ort: OrtModule,
  bundle: LoadedBundle,
  component: UnetCall['component'],
  batch: number,
  sample: Float32Array,
  timesteps: Float32Array,
  ctx: Float32Array,
  noiseLevels: Float32Array | undefined,
): Promise<Float32Array> {
  const { channels: c, height: h, width: w } = bundle.manifest.latent;
  const [L, D] = [bundle.tokenizer.maxLength, bundle.manifest.text.hidden_size];
  const spec = bundle.manifest.components[component];
  if (!spec) throw new TypeError(`component '${component}' is not in the bundle`);
  // Each input in the dtype the file declares (float16 UNets, Optimum's int64 timestep).
  const dtypeOf = (name: string): TensorDtype => spec.inputs.find((x) => x.name === name)?.dtype ?? 'float32';
  const make = (name: string, data: Float32Array, dims: number[]): Tensor =>
    feed(ort, dtypeOf(name), data, dims, `${spec.file}: '${name}'`);
  const feeds: Record<string, Tensor> = {
    sample: make('sample', sample, [batch, c, h, w]),
    timestep: make('timestep', timesteps, [batch]),
    encoder_hidden_states: make('encoder_hidden_states', ctx, [batch, L, D]),
  };
  if (session.inputNames.includes('noise_level')) {
    feeds['noise_level'] = make('noise_level', noiseLevels ?? new Float32Array(batch), [batch]);
  }
  const out = await session.run(feeds);
  return readFloat32(out[session.outputNames[0]!]!, `${spec.file}: '${session.outputNames[0]!}'`);
}

export async function guidedEpsBatch(
  bundle: LoadedBundle,
  ort: OrtModule,
  call: UnetBatchCall,
): Promise<Float32Array> {
  const session = bundle.session(call.component);
  const b = call.timesteps.length;
  const n = call.samples.length;
  const s = call.guidanceScale;
  if (b === 0 || n % b !== 0 || call.conds.length !== call.uncond.length * b)
    throw new TypeError(
      `guidedEpsBatch: ${b} timesteps, ${n} latent values and ${call.conds.length} text values do not make one batch`,
    );
  if (call.noiseLevels && call.noiseLevels.length !== b)
    throw new TypeError(`guidedEpsBatch: ${call.noiseLevels.length} noise levels for a batch of ${b}`);
  const uncond = repeat(call.uncond, b);
  const runOnce = (
    batch: number,
    x: Float32Array,
    t: Float32Array,
    ctx: Float32Array,
    levels?: Float32Array,
  ) => run(session, ort, bundle, call.component, batch, x, t, ctx, levels);
  let u: Float32Array;
  let c: Float32Array;
  if (s === 1) {
    // Guidance scale 1 is the conditional model alone: one call, no uncond half.
    return runOnce(b, call.samples, call.timesteps, call.conds, call.noiseLevels);
  }
  if ((call.cfgMode ?? DEFAULT_CFG_MODE) === 'batch') {
    const levels = call.noiseLevels && concat(call.noiseLevels, call.noiseLevels);
    const both = await runOnce(
      2 * b,
      concat(call.samples, call.samples),
      concat(call.timesteps, call.timesteps),
      concat(uncond, call.conds),
      levels,
    );
    u = both.subarray(0, n);
    c = both.subarray(n);
  } else {
    u = await runOnce(b, call.samples, call.timesteps, uncond, call.noiseLevels);
    c = await runOnce(b, call.samples, call.timesteps, call.conds, call.noiseLevels);
  }
  const eps = new Float32Array(n);
  for (let i = 0; i < n; i++) eps[i] = u[i]! + s * (c[i]! - u[i]!);
  return eps;
}

/** One latent: `guidedEpsBatch` with B = 1. */
export function guidedEps(bundle: LoadedBundle, ort: OrtModule, call: UnetCall): Promise<Float32Array> {
  return guidedEpsBatch(bundle, ort, {
    component: call.component,
    samples: call.sample,
    timesteps: Float32Array.of(call.timestep),
    conds: call.cond,
    uncond: call.uncond,
    guidanceScale: call.guidanceScale,
    noiseLevels: call.noiseLevel === undefined ? undefined : Float32Array.of(call.noiseLevel),
    cfgMode: call.cfgMode,
  });
}
