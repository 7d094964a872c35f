/**
 * Fixture parity, for any injected ONNX Runtime: the checks both the jest suites
 * (onnxruntime-node, onnxruntime-web's wasm in Node) and the browser parity page run, as
 * data rather than assertions so a page can report them.
 *
 * For every edge case: the token ids, both text states, the latent after every DDIM step
 * and the decoded image. For every split case: the edge hand-off latent and the receiver's
 * fine-tuning-UNet steps on that latent plus the fixture's channel noise. Each within
 * PARITY_TOLERANCE absolute of what PyTorch produced.
 */
import type { FixtureCase, FixtureIndex, FixtureReader } from './bundle/fixtures';
import type { SplitPipeline } from './pipeline';
import { STANDARD_LAYOUT } from './standard/manifest';

export const PARITY_TOLERANCE = 1e-4;
/** A bundle ships at least this many edge cases. */
export const MIN_EDGE_CASES = 5;

export interface ParityCheck {
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

function check(name: string, diff: number, detail?: string): ParityCheck {
  const ok = diff < PARITY_TOLERANCE && detail === undefined;
  return detail === undefined ? { name, maxAbsDiff: diff, ok } : { name, maxAbsDiff: diff, ok, detail };
}

/** The bundle has enough edge cases to say something (`min`: MIN_EDGE_CASES for a project bundle). */
export function edgeCaseCountCheck(index: FixtureIndex, min: number = MIN_EDGE_CASES): ParityCheck {
  const n = index.cases.filter((c) => c.kind === 'edge').length;
  return check(`fixtures: ${n} edge cases`, 0, n >= min ? undefined : `at least ${min} expected`);
}

/**
 * Edge cases a bundle's fixtures must have: MIN_EDGE_CASES for the project's bundles (the
 * pre-training pipeline writes them); a standard export's fixtures are whatever its maker
 * wrote (tiny-sd: two 4-step cases and a full-size UNet call), so one is enough.
 */
export function minEdgeCases(pipe: SplitPipeline): number {
  return pipe.bundle.manifest.layout === STANDARD_LAYOUT ? 1 : MIN_EDGE_CASES;
}

/** Token ids, text states, every DDIM step's latent and the decoded image of one edge case. */
export async function edgeCaseParity(
  pipe: SplitPipeline,
  fx: FixtureReader,
  c: FixtureCase,
): Promise<ParityCheck[]> {
  const out: ParityCheck[] = [];
  const ids = pipe.bundle.tokenizer.encode(c.prompt);
  out.push(check(`${c.name}/input_ids`, maxAbsDiff(Array.from(ids), await fx.array(c, 'input_ids'))));
  const text = await pipe.encodePrompt(c.prompt);
  out.push(check(`${c.name}/text_cond`, maxAbsDiff(text.cond, await fx.f32(c, 'text_cond'))));
  out.push(check(`${c.name}/text_uncond`, maxAbsDiff(text.uncond, await fx.f32(c, 'text_uncond'))));
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
    check(
      `${c.name}/latents (${diffs.length} steps)`,
      Math.max(0, ...diffs),
      diffs.length === c.num_inference_steps
        ? undefined
        : `${diffs.length} steps, ${c.num_inference_steps} expected`,
    ),
  );
  const img = await pipe.decode(res.latent);
  out.push(check(`${c.name}/image`, maxAbsDiff(img.raw, await fx.f32(c, 'image'))));
  return out;
}

/** The edge's hand-off latent and the receiver's fine-tuning steps of one split case. */
export async function splitCaseParity(
  pipe: SplitPipeline,
  fx: FixtureReader,
  c: FixtureCase,
): Promise<ParityCheck[]> {
  const a = c.handoff_step;
  if (a === undefined || c.sigma2 === undefined)
    return [check(`${c.name}/split`, Number.POSITIVE_INFINITY, 'split case without handoff_step or sigma2')];
  const out: ParityCheck[] = [];
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
    check(
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
    check(
      `${c.name}/receiver_latents finetune (${diffs.length} steps)`,
      Math.max(0, ...diffs),
      diffs.length === want ? undefined : `${diffs.length} steps, ${want} expected`,
    ),
  );
  return out;
}

/** The checks of one case, whichever kind it is. */
export function caseParity(pipe: SplitPipeline, fx: FixtureReader, c: FixtureCase): Promise<ParityCheck[]> {
  return c.kind === 'edge' ? edgeCaseParity(pipe, fx, c) : splitCaseParity(pipe, fx, c);
}

/** Every check of the bundle, edge cases first; `onCheck` sees each result as it comes. */
export async function runParity(
  pipe: SplitPipeline,
  fx: FixtureReader,
  onCheck: (c: ParityCheck) => void = () => undefined,
): Promise<ParityCheck[]> {
  const all: ParityCheck[] = [];
  const add = (cs: ParityCheck[]): void => {
    for (const c of cs) {
      all.push(c);
      onCheck(c);
    }
  };
  const index = await fx.index();
  add([edgeCaseCountCheck(index, minEdgeCases(pipe))]);
  for (const c of index.cases.filter((x) => x.kind === 'edge')) add(await edgeCaseParity(pipe, fx, c));
  for (const c of index.cases.filter((x) => x.kind === 'split')) add(await splitCaseParity(pipe, fx, c));
  return all;
}
