/**
 * The measuring passes of the split benchmark.
 *
 * Edge pass: one 20-step edge run per (caption, seed) on the one-thread pipeline (what an edge
 * runs), keeping the latent after every hand-off a; the edge work is shared by every SNR,
 * variant and control.
 *
 * Cell pass, per (a, variant): the channel-free reference of every (caption, seed) (the same
 * variant on the clean hand-off, σ² = 0), then for every SNR three receiver inputs, batched:
 *   received   z_{τ_a} through analog AWGN (packages/channel, seeded per request, a and SNR);
 *   noise      Gaussian noise of the received latent's power, the receiver told the same σ²;
 *   swap       the other seed's latent of the same caption through the same channel draw.
 * The controls carry no information about this seed's image; what the received latent gives
 * beyond them is what crossed the channel.
 */
import { fillGaussian, rngFor, signalPower, transmit } from '@semaigc/channel';
import type { CaptionAttributes, ReceiverVariant, SplitPipeline, TextStates } from '@semaigc/diffusion';
import { parseCaption } from '@semaigc/diffusion';
import { psnr, ssim } from '@semaigc/metrics';
import { consistencyOf, decodeAndCheck, type ScoredImage } from './batch-models';

export const TOTAL = 20;
/** PSNR of identical images (∞) is recorded as this. */
export const PSNR_CAP = 100;
/** Requests per batched receiver call (the UNet sees twice as many with CFG). */
const ITEM_CHUNK = 32;
/** Requests per cell timed one at a time on the one-thread pipeline. */
const TIMING_REQUESTS = 3;

export type InputKind = 'received' | 'noise' | 'swap';
export const INPUT_KINDS: readonly InputKind[] = ['received', 'noise', 'swap'];

export interface Pair {
  caption: number;
  seed: number;
  prompt: string;
  text: TextStates;
  expected: CaptionAttributes;
  /** The edge latent after a steps, for every measured a and for a = T̂. */
  latents: Map<number, Float32Array>;
  /** Index of the other seed of the same caption (the swap control's source). */
  other: number;
}

export interface EdgeTimes {
  edgeStepMs: number[];
  textEncodeMs: number[];
}

/** Channel seed of a request: unique per (request seed, a, SNR index). */
export function channelSeed(seed: number, a: number, snrIndex: number): number {
  return seed * 1000 + a * 10 + snrIndex;
}

export async function edgePass(
  pt: SplitPipeline,
  prompts: string[],
  seedBase: number,
  seedsPerCaption: number,
  splits: readonly number[],
  times: EdgeTimes,
): Promise<Pair[]> {
  const pairs: Pair[] = [];
  if (!pt.grammar) throw new Error('split bench: the bundle has no caption grammar');
  for (const [i, prompt] of prompts.entries()) {
    const t0 = performance.now();
    const text = await pt.encodePrompt(prompt, true);
    times.textEncodeMs.push(performance.now() - t0);
    const expected = parseCaption(pt.grammar, prompt);
    for (let k = 0; k < seedsPerCaption; k++) {
      const seed = seedBase + seedsPerCaption * i + k;
      const latents = new Map<number, Float32Array>();
      const edge = await pt.edgeDenoise({
        textStates: text,
        seed,
        totalSteps: TOTAL,
        edgeSteps: TOTAL,
        onStep: ({ index, latent }) => {
          if (splits.includes(index + 1)) latents.set(index + 1, Float32Array.from(latent));
        },
      });
      latents.set(TOTAL, edge.latent);
      times.edgeStepMs.push(...edge.stepMs);
      const other = pairs.length + (k + 1 < seedsPerCaption ? 1 : 1 - seedsPerCaption);
      pairs.push({ caption: i, seed, prompt, text, expected, latents, other });
    }
  }
  return pairs;
}

/** One scored receiver output. */
export interface Sample {
  pair: number;
  caption: number;
  snrIndex: number;
  kind: InputKind;
  psnr: number;
  ssim: number;
  consistency: number;
  exact: boolean;
  features: Float32Array;
  tStar: number | null;
}

/** Where a cell pass spends its time (seconds, summed over cells by the suite). */
export interface PhaseTimes {
  receiver: number;
  decodeCheck: number;
  score: number;
  oneRequest: number;
}

export interface CellPass {
  phases: PhaseTimes;
  variant: ReceiverVariant;
  a: number;
  refs: ScoredImage[];
  samples: Sample[];
  /** Per SNR index: one-request step times on the one-thread pipeline. */
  stepMs: number[][];
  /** Largest |batched − one-request| final-latent difference seen (a guard, ≈ 1e-6). */
  batchVsSingle: number;
  /** Images kept for the grid: key `${pair}/${snrIndex}/${kind}`. */
  kept: Map<string, ScoredImage>;
}

interface Job {
  pair: number;
  snrIndex: number;
  kind: InputKind;
  latent: Float32Array;
  noiseVariance: number;
}

function score(pairs: Pair[], refs: ScoredImage[], job: Job, img: ScoredImage, tStar: number | null): Sample {
  const p = pairs[job.pair]!;
  const db = psnr(refs[job.pair]!, img);
  const consistency = consistencyOf(p.expected, img.predicted);
  return {
    pair: job.pair,
    caption: p.caption,
    snrIndex: job.snrIndex,
    kind: job.kind,
    psnr: Number.isFinite(db) ? db : PSNR_CAP,
    // SSIM costs ~2 ms an image, so only the received images get it (controls: PSNR)
    ssim: job.kind === 'received' ? ssim(refs[job.pair]!, img) : NaN,
    consistency,
    exact: consistency === 1,
    features: img.features,
    tStar,
  };
}

function jobsFor(pairs: Pair[], a: number, snrs: readonly number[], kinds: readonly InputKind[]): Job[] {
  const jobs: Job[] = [];
  pairs.forEach((p, j) => {
    const clean = p.latents.get(a)!;
    snrs.forEach((snrDb, si) => {
      const cfg = { mode: 'analog', snrDb };
      const seed = channelSeed(p.seed, a, si);
      const tx = transmit(clean, cfg, { seed });
      const sigma2 = tx.meta.noiseVariance ?? 0;
      for (const kind of kinds) {
        if (kind === 'received')
          jobs.push({ pair: j, snrIndex: si, kind, latent: tx.output, noiseVariance: sigma2 });
        else if (kind === 'noise') {
          const z = new Float32Array(clean.length);
          fillGaussian(rngFor(seed, 'control-noise'), z, Math.sqrt(signalPower(tx.output)));
          jobs.push({ pair: j, snrIndex: si, kind, latent: z, noiseVariance: sigma2 });
        } else {
          const sw = transmit(pairs[p.other]!.latents.get(a)!, cfg, { seed });
          jobs.push({
            pair: j,
            snrIndex: si,
            kind,
            latent: sw.output,
            noiseVariance: sw.meta.noiseVariance ?? 0,
          });
        }
      }
    });
  });
  return jobs;
}

async function receiveBatched(
  p: SplitPipeline,
  pairs: Pair[],
  variant: ReceiverVariant,
  a: number,
  jobs: Job[],
): Promise<{ latents: Float32Array[]; tStars: (number | null)[] }> {
  const latents: Float32Array[] = [];
  const tStars: (number | null)[] = [];
  for (let i = 0; i < jobs.length; i += ITEM_CHUNK) {
    const chunk = jobs.slice(i, i + ITEM_CHUNK);
    const r = await p.deviceDenoiseBatch(
      { fromIndex: a, totalSteps: TOTAL, variant },
      chunk.map((j) => ({
        latent: j.latent,
        noiseVariance: j.noiseVariance,
        textStates: pairs[j.pair]!.text,
        seed: pairs[j.pair]!.seed,
      })),
    );
    latents.push(...r.latents);
    tStars.push(...chunk.map((_, k) => r.plans[k]?.tStar ?? null));
  }
  return { latents, tStars };
}

export interface CellOptions {
  snrs: readonly number[];
  kinds: readonly InputKind[];
  /** Keep images of these pairs for the grid. */
  keepPairs?: readonly number[];
  /** Time TIMING_REQUESTS one-request runs per SNR on this pipeline (null: skip). */
  timing: SplitPipeline | null;
}

export async function cellPass(
  p: SplitPipeline,
  pairs: Pair[],
  variant: ReceiverVariant,
  a: number,
  opts: CellOptions,
): Promise<CellPass> {
  const cleanJobs: Job[] = pairs.map((pr, j) => ({
    pair: j,
    snrIndex: -1,
    kind: 'received',
    latent: pr.latents.get(a)!,
    noiseVariance: 0,
  }));
  const phases: PhaseTimes = { receiver: 0, decodeCheck: 0, score: 0, oneRequest: 0 };
  let t0 = performance.now();
  const lap = (k: keyof PhaseTimes): void => {
    const t = performance.now();
    phases[k] += (t - t0) / 1000;
    t0 = t;
  };
  const clean = await receiveBatched(p, pairs, variant, a, cleanJobs);
  lap('receiver');
  const refs = await decodeAndCheck(p, clean.latents);
  lap('decodeCheck');
  const jobs = jobsFor(pairs, a, opts.snrs, opts.kinds);
  const out = await receiveBatched(p, pairs, variant, a, jobs);
  lap('receiver');
  const images = await decodeAndCheck(p, out.latents);
  lap('decodeCheck');
  const kept = new Map<string, ScoredImage>();
  const samples = jobs.map((job, i) => {
    if (opts.keepPairs?.includes(job.pair)) kept.set(`${job.pair}/${job.snrIndex}/${job.kind}`, images[i]!);
    return score(pairs, refs, job, images[i]!, out.tStars[i]!);
  });
  opts.keepPairs?.forEach((j) => kept.set(`${j}/ref`, refs[j]!));
  lap('score');

  // The receiver's own step time: one request at a time, as a receiver runs it.
  const stepMs: number[][] = opts.snrs.map(() => []);
  let batchVsSingle = 0;
  if (opts.timing) {
    for (const [i, job] of jobs.entries()) {
      if (job.kind !== 'received' || job.pair >= TIMING_REQUESTS) continue;
      const pr = pairs[job.pair]!;
      const r = await opts.timing.deviceDenoise({
        latent: job.latent,
        fromIndex: a,
        totalSteps: TOTAL,
        noiseVariance: job.noiseVariance,
        variant,
        textStates: pr.text,
        seed: pr.seed,
      });
      stepMs[job.snrIndex]!.push(...r.stepMs);
      const b = out.latents[i]!;
      r.latent.forEach((v, k) => (batchVsSingle = Math.max(batchVsSingle, Math.abs(v - b[k]!))));
    }
  }
  lap('oneRequest');
  return { phases, variant, a, refs, samples, stepMs, batchVsSingle, kept };
}

/** a = T̂ (the receiver only decodes what arrives) and a = 0 (Local AIGC, no channel): consistency per request. */
export async function endpointPass(
  p: SplitPipeline,
  pairs: Pair[],
  snrs: readonly number[],
): Promise<{ local: number[]; decodeOnly: number[][] }> {
  const clean = await decodeAndCheck(
    p,
    pairs.map((pr) => pr.latents.get(TOTAL)!),
  );
  const local = clean.map((img, j) => consistencyOf(pairs[j]!.expected, img.predicted));
  const decodeOnly: number[][] = [];
  for (const [si, snrDb] of snrs.entries()) {
    const rx = pairs.map(
      (pr) =>
        transmit(pr.latents.get(TOTAL)!, { mode: 'analog', snrDb }, { seed: channelSeed(pr.seed, TOTAL, si) })
          .output,
    );
    const imgs = await decodeAndCheck(p, rx);
    decodeOnly.push(imgs.map((img, j) => consistencyOf(pairs[j]!.expected, img.predicted)));
  }
  return { local, decodeOnly };
}
