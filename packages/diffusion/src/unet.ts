/**
 * One guided UNet evaluation: ε = ε_u + s·(ε_c − ε_u) (classifier-free guidance, the
 * diffusers convention with batch order [uncond, cond]). `batch` runs both halves in one
 * call with batch 2; `sequential` makes two batch-1 calls. Which is faster depends on the
 * runtime; `npm run bench -- diffusion` measures both and DEFAULT_CFG_MODE is the winner.
 */
import type { LoadedBundle } from './bundle/load';
import type { ComponentName } from './bundle/manifest';
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

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function run(
  session: InferenceSession,
  ort: OrtModule,
  bundle: LoadedBundle,
  batch: number,
  sample: Float32Array,
  timestep: number,
  ctx: Float32Array,
  noiseLevel: number | undefined,
): Promise<Float32Array> {
  const { channels: c, height: h, width: w } = bundle.manifest.latent;
  const [L, D] = [bundle.tokenizer.maxLength, bundle.manifest.text.hidden_size];
  const feeds: Record<string, Tensor> = {
    sample: new ort.Tensor('float32', sample, [batch, c, h, w]),
    timestep: new ort.Tensor('float32', new Float32Array(batch).fill(timestep), [batch]),
    encoder_hidden_states: new ort.Tensor('float32', ctx, [batch, L, D]),
  };
  if (session.inputNames.includes('noise_level')) {
    feeds['noise_level'] = new ort.Tensor('float32', new Float32Array(batch).fill(noiseLevel ?? 0), [batch]);
  }
  const out = await session.run(feeds);
  const t = out[session.outputNames[0]!]!;
  const data = new Float32Array(t.data as Float32Array);
  t.dispose();
  return data;
}

export async function guidedEps(bundle: LoadedBundle, ort: OrtModule, call: UnetCall): Promise<Float32Array> {
  const session = bundle.session(call.component);
  const n = call.sample.length;
  const s = call.guidanceScale;
  let u: Float32Array;
  let c: Float32Array;
  if (s === 1) {
    // Guidance scale 1 is the conditional model alone: one call, no uncond half.
    return run(session, ort, bundle, 1, call.sample, call.timestep, call.cond, call.noiseLevel);
  }
  if ((call.cfgMode ?? DEFAULT_CFG_MODE) === 'batch') {
    const both = await run(
      session,
      ort,
      bundle,
      2,
      concat(call.sample, call.sample),
      call.timestep,
      concat(call.uncond, call.cond),
      call.noiseLevel,
    );
    u = both.subarray(0, n);
    c = both.subarray(n);
  } else {
    u = await run(session, ort, bundle, 1, call.sample, call.timestep, call.uncond, call.noiseLevel);
    c = await run(session, ort, bundle, 1, call.sample, call.timestep, call.cond, call.noiseLevel);
  }
  const eps = new Float32Array(n);
  for (let i = 0; i < n; i++) eps[i] = u[i]! + s * (c[i]! - u[i]!);
  return eps;
}
