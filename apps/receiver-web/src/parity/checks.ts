/**
 * The checks of packages/diffusion/test/parity-suite.ts, as data instead of jest
 * assertions, so a page can run them on onnxruntime-web and report: for every edge case the
 * token ids, the text states, the latent after every DDIM step and the decoded image; for
 * every split case the edge hand-off latent and the receiver's fine-tuning-UNet steps on
 * the latent plus the fixture's channel noise. Each within PARITY_TOLERANCE absolute.
 */
import type { SplitPipeline } from '@semaigc/diffusion';
import type { FixtureCase, FixtureReader } from './fixtures';

export const PARITY_TOLERANCE = 1e-4;
/** The Node suite asks for at least this many edge cases. */
export const MIN_EDGE_CASES = 5;

export interface ParityCase {
  name: string;
  /** Largest absolute difference to the fixture (Infinity when lengths or counts differ). */
  maxAbsDiff: number;
  ok: boolean;
  detail?: string;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(m) ? Number.POSITIVE_INFINITY : m;
}

function result(name: string, diff: number, detail?: string): ParityCase {
  const ok = diff < PARITY_TOLERANCE && detail === undefined;
  return detail === undefined ? { name, maxAbsDiff: diff, ok } : { name, maxAbsDiff: diff, ok, detail };
}

async function edgeCase(pipe: SplitPipeline, fx: FixtureReader, c: FixtureCase): Promise<ParityCase[]> {
  const out: ParityCase[] = [];
  const ids = pipe.bundle.tokenizer.encode(c.prompt);
  out.push(result(`${c.name}/input_ids`, maxAbsDiff(Array.from(ids), await fx.array(c, 'input_ids'))));
  const text = await pipe.encodePrompt(c.prompt);
  out.push(result(`${c.name}/text_cond`, maxAbsDiff(text.cond, await fx.f32(c, 'text_cond'))));
  out.push(result(`${c.name}/text_uncond`, maxAbsDiff(text.uncond, await fx.f32(c, 'text_uncond'))));
  const ref = await fx.f32(c, 'latents');
  const n = pipe.size;
  const diffs: number[] = [];
  const res = await pipe.edgeDenoise({
    prompt: c.prompt,
    initialNoise: await fx.f32(c, 'initial_noise'),
    totalSteps: c.num_inference_steps,
    edgeSteps: c.num_inference_steps,
    guidanceScale: c.guidance_scale,
    onStep: ({ index: i, latent }) => void diffs.push(maxAbsDiff(latent, ref.subarray(i * n, (i + 1) * n))),
  });
  out.push(
    result(
      `${c.name}/latents (${diffs.length} steps)`,
      Math.max(0, ...diffs),
      diffs.length === c.num_inference_steps
        ? undefined
        : `${diffs.length} steps, ${c.num_inference_steps} expected`,
    ),
  );
  const img = await pipe.decode(res.latent);
  out.push(result(`${c.name}/image`, maxAbsDiff(img.raw, await fx.f32(c, 'image'))));
  return out;
}

async function splitCase(pipe: SplitPipeline, fx: FixtureReader, c: FixtureCase): Promise<ParityCase[]> {
  const out: ParityCase[] = [];
  const a = c.handoff_step;
  if (a === undefined || c.sigma2 === undefined)
    return [result(`${c.name}/split`, Number.POSITIVE_INFINITY, 'split case without handoff_step or sigma2')];
  const ref = await fx.f32(c, 'latents');
  const n = pipe.size;
  const edge = await pipe.edgeDenoise({
    prompt: c.prompt,
    initialNoise: await fx.f32(c, 'initial_noise'),
    totalSteps: c.num_inference_steps,
    edgeSteps: a,
    guidanceScale: c.guidance_scale,
  });
  out.push(
    result(
      `${c.name}/handoff_latent (a=${a})`,
      maxAbsDiff(edge.latent, await fx.f32(c, 'handoff_latent')),
      edge.timestep === c.timesteps[a] ? undefined : `timestep ${edge.timestep}, ${c.timesteps[a]} expected`,
    ),
  );
  const noise = await fx.f32(c, 'channel_noise');
  const received = edge.latent.map((v, i) => v + noise[i]!);
  const diffs: number[] = [];
  await pipe.deviceDenoise({
    latent: received,
    fromIndex: a,
    totalSteps: c.num_inference_steps,
    noiseVariance: c.sigma2,
    variant: 'finetune',
    textStates: edge.textStates,
    guidanceScale: c.guidance_scale,
    onStep: ({ index: i, latent }) => void diffs.push(maxAbsDiff(latent, ref.subarray(i * n, (i + 1) * n))),
  });
  const want = c.num_inference_steps - a;
  out.push(
    result(
      `${c.name}/receiver_latents finetune (${diffs.length} steps)`,
      Math.max(0, ...diffs),
      diffs.length === want ? undefined : `${diffs.length} steps, ${want} expected`,
    ),
  );
  return out;
}

/** Runs every check; `onCase` sees each result as it comes. */
export async function runParityChecks(
  pipe: SplitPipeline,
  fx: FixtureReader,
  onCase: (c: ParityCase) => void,
): Promise<ParityCase[]> {
  const all: ParityCase[] = [];
  const add = (cs: ParityCase[]): void => {
    for (const c of cs) {
      all.push(c);
      onCase(c);
    }
  };
  const index = await fx.index();
  const edge = index.cases.filter((c) => c.kind === 'edge');
  add([
    result(
      `fixtures: ${edge.length} edge cases`,
      0,
      edge.length >= MIN_EDGE_CASES ? undefined : `at least ${MIN_EDGE_CASES} expected`,
    ),
  ]);
  for (const c of edge) add(await edgeCase(pipe, fx, c));
  for (const c of index.cases.filter((x) => x.kind === 'split')) add(await splitCase(pipe, fx, c));
  return all;
}
