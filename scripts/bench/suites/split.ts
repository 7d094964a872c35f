/**
 * `npm run bench -- split [--quick] [--prompts N]`: the split ablation of issue 5 and the
 * quality table the ROOT simulator is calibrated from.
 *
 * For each prompt (from the bundle's caption grammar, seeded) and seed: a channel-free
 * full-edge reference (T̂ = 20 steps, edge UNet); then for every hand-off a ∈ {0,5,10,15,20}
 * the genuine edge latent after a steps crosses an analog AWGN channel (packages/channel,
 * seeded per request) at SNR ∈ {−6,−3,0,5,10,15} dB and every receiver variant finishes the
 * T̂ − a steps. Reported: PSNR and SSIM against the reference, caption-checker consistency
 * (share of attributes right) and exact-caption rate.
 *   a = 0  Local AIGC: nothing crosses the channel (same figures at every SNR).
 *   a = 20 no receiver steps: the variants coincide (reported once, as 'none').
 * Writes runs/bench/split.json (rows: per SNR × variant × a), runs/bench/split-calibration.json
 * (format 'semaigc-split-benchmark' v1, read by `semaigc root … --profile measured`), charts
 * split-psnr/split-consistency .svg/.png and a grid PNG (prompt × SNR × variant at a = 10).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { transmit } from '@semaigc/channel';
import {
  initialNoise,
  makePrompts,
  RECEIVER_VARIANTS,
  type DecodedImage,
  type ReceiverVariant,
  type SplitPipeline,
} from '@semaigc/diffusion';
import { mean, psnr, ssim } from '@semaigc/metrics';
import { loadNodePipeline } from '@semaigc/node-kit';
import { writeChart } from '@semaigc/plot';
import { summarize, type Row, type SuiteContext, type SuiteResult } from '../harness';
import { argValue, benchBundleDir } from '../lib/bundle';
import { writeGridPng, type Tile } from '../lib/png';

const TOTAL = 20;
const SNRS = [-6, -3, 0, 5, 10, 15];
const SPLITS = [0, 5, 10, 15, 20];
const PROMPT_SEED = 4242;
const SEED_BASE = 5000;
/** Caption-consistency threshold of the quality gate in the calibration file. */
const QUALITY_THRESHOLD = 0.8;
const PSNR_CAP = 100;

interface Sample {
  prompt: number;
  seed: number;
  snrDb: number | null;
  edgeSteps: number;
  variant: ReceiverVariant | 'none';
  psnr: number;
  ssim: number;
  consistency: number;
  exact: boolean;
}

async function score(p: SplitPipeline, prompt: string, ref: DecodedImage, img: DecodedImage) {
  const c = await p.consistency(prompt, img);
  const db = psnr(ref, img);
  return {
    psnr: Number.isFinite(db) ? db : PSNR_CAP,
    ssim: ssim(ref, img),
    consistency: c.consistency,
    exact: c.exact,
  };
}

export default async function split(ctx: SuiteContext): Promise<SuiteResult> {
  const quick = ctx.args.includes('--quick');
  const nPrompts = Number(argValue(ctx.args, 'prompts', quick ? '4' : '50'));
  const variants = [...RECEIVER_VARIANTS];
  const p = await loadNodePipeline({ bundleDir: benchBundleDir(), threads: 2 });
  if (!p.grammar) throw new Error('split bench: the bundle has no caption grammar');
  const prompts = makePrompts(p.grammar, PROMPT_SEED, nPrompts);
  const samples: Sample[] = [];
  const stepTimes: { edge: number[]; device: number[]; text: number[]; decode: number[] } = {
    edge: [],
    device: [],
    text: [],
    decode: [],
  };
  const grid: (Tile | null)[][] = [];
  const gridSnrs = [-6, 0, 15];
  const bar = new SingleBar(
    { format: 'split {bar} {value}/{total} prompts | {eta_formatted} left', stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(nPrompts, 0);
  for (let i = 0; i < nPrompts; i++) {
    const prompt = prompts[i]!;
    const seed = SEED_BASE + i;
    const t0 = performance.now();
    const text = await p.encodePrompt(prompt);
    stepTimes.text.push(performance.now() - t0);
    const full = await p.edgeDenoise({ textStates: text, seed, totalSteps: TOTAL, edgeSteps: TOTAL });
    stepTimes.edge.push(...full.stepMs);
    const t1 = performance.now();
    const ref = await p.decode(full.latent);
    stepTimes.decode.push(performance.now() - t1);
    const row: (Tile | null)[] = i < 4 ? [ref] : [];
    for (const a of SPLITS) {
      const edge =
        a > 0 ? await p.edgeDenoise({ textStates: text, seed, totalSteps: TOTAL, edgeSteps: a }) : null;
      const latent = edge ? edge.latent : initialNoise(seed, p.size);
      for (const [si, snr] of (a === 0 ? [null] : SNRS).entries()) {
        let received = latent;
        let sigma2 = 0;
        if (snr !== null) {
          const tx = transmit(latent, { mode: 'analog', snrDb: snr }, { seed: seed * 31 + si });
          received = tx.output;
          sigma2 = tx.meta.noiseVariance;
        }
        for (const variant of a === TOTAL ? (['none'] as const) : variants) {
          let z0 = received;
          if (variant !== 'none') {
            const r = await p.deviceDenoise({
              latent: received,
              fromIndex: a,
              totalSteps: TOTAL,
              noiseVariance: sigma2,
              variant,
              textStates: text,
              seed,
            });
            stepTimes.device.push(...r.stepMs);
            z0 = r.latent;
          }
          const img = await p.decode(z0);
          const s = await score(p, prompt, ref, img);
          samples.push({ prompt: i, seed, snrDb: snr, edgeSteps: a, variant, ...s });
          if (i < 4 && a === 10 && snr !== null && gridSnrs.includes(snr)) row.push(img);
        }
      }
    }
    if (i < 4) grid.push(row);
    bar.increment();
  }
  bar.stop();

  // Rows: every (SNR, a, variant); a = 0 is repeated under each SNR (no channel is crossed).
  const rows: Row[] = [];
  const expanded = samples.flatMap((s) =>
    s.snrDb === null ? SNRS.map((snr) => ({ ...s, snrDb: snr })) : [s],
  );
  for (const snr of SNRS)
    for (const a of SPLITS)
      for (const variant of a === TOTAL ? ['none'] : variants) {
        const group = expanded.filter((s) => s.snrDb === snr && s.edgeSteps === a && s.variant === variant);
        if (group.length === 0) continue;
        const ps = summarize(group.map((s) => s.psnr));
        rows.push({
          snrDb: snr,
          a,
          variant,
          n: group.length,
          psnrMedian: ps.median,
          psnrP10: ps.p10,
          psnrP90: ps.p90,
          ssimMean: mean(group.map((s) => s.ssim)),
          consistency: mean(group.map((s) => s.consistency)),
          exactRate: mean(group.map((s) => (s.exact ? 1 : 0))),
        });
      }

  // Default variant by measurement: mean PSNR over the split hand-offs (a = 5, 10, 15).
  const mid = (v: string, snr: number): number =>
    mean(
      expanded
        .filter((s) => s.variant === v && s.snrDb === snr && s.edgeSteps > 0 && s.edgeSteps < TOTAL)
        .map((s) => s.psnr),
    );
  const byVariant = Object.fromEntries(
    variants.map((v) => [v, Object.fromEntries(SNRS.map((snr) => [snr, mid(v, snr)]))]),
  );
  const qualifies = (v: string): boolean =>
    SNRS.every((snr) =>
      snr <= 5 ? mid(v, snr) > mid('naive', snr) : mid(v, snr) >= mid('naive', snr) - 0.25,
    );
  const ranked = variants
    .filter((v) => v !== 'naive')
    .sort((x, y) => mean(SNRS.map((s) => mid(y, s))) - mean(SNRS.map((s) => mid(x, s))));
  const best = ranked.find(qualifies) ?? null;
  ctx.log(`mean PSNR (a = 5/10/15) by variant and SNR: ${JSON.stringify(byVariant)}`);
  ctx.log(`default variant by measurement: ${best ?? 'none beats naive at every SNR <= 5 dB'}`);

  // Calibration file for the ROOT simulator (packages/root calibration.ts, v1).
  const best4cal: string = best ?? 'naive';
  const calSamples = expanded
    .filter((s) => s.variant === best4cal || s.variant === 'none' || s.edgeSteps === 0)
    .filter((s) => (s.edgeSteps === 0 ? s.variant === best4cal : true))
    .map((s) => ({ snrDb: s.snrDb!, edgeSteps: s.edgeSteps, quality: s.consistency, seed: s.seed }));
  const ms = (x: number[]): number => summarize(x).median / 1000;
  const { channels, height, width } = p.bundle.manifest.latent;
  const img = p.bundle.manifest.image;
  const calibration = {
    format: 'semaigc-split-benchmark',
    version: 1,
    totalSteps: TOTAL,
    timing: {
      edgeStepS: ms(stepTimes.edge),
      deviceStepS: ms(stepTimes.device),
      textEncodeS: ms(stepTimes.text),
      vaeDecodeS: ms(stepTimes.decode),
    },
    payload: { latentBits: channels * height * width * 32, imageBits: img.width * img.height * 24 },
    quality: {
      metric: 'consistency',
      higherIsBetter: true,
      threshold: QUALITY_THRESHOLD,
      samples: calSamples,
    },
    variant: best4cal,
    bundle: p.bundle.manifest.name,
  };
  fs.writeFileSync(
    path.join(ctx.outDir, 'split-calibration.json'),
    JSON.stringify(calibration, null, 2) + '\n',
  );

  const chartRows = rows.filter((r) => r.a !== 0 && r.a !== TOTAL);
  for (const [metric, title] of [
    ['psnrMedian', 'PSNR vs channel-free reference (dB, median)'],
    ['consistency', 'caption consistency'],
  ] as const) {
    await writeChart(
      {
        title: `Split ablation: ${title}, T̂ = ${TOTAL}, ${nPrompts} prompts`,
        data: { values: chartRows },
        facet: { column: { field: 'a', type: 'ordinal', title: 'edge steps a' } },
        spec: {
          width: 220,
          height: 200,
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'snrDb', type: 'quantitative', title: 'SNR (dB)' },
            y: { field: metric, type: 'quantitative', title, scale: { zero: false } },
            color: { field: 'variant', type: 'nominal' },
          },
        },
      },
      path.join(ctx.outDir, `split-${metric === 'psnrMedian' ? 'psnr' : 'consistency'}`),
    );
  }
  writeGridPng(path.join(ctx.outDir, 'split-grid.png'), grid, 2);
  await p.release();
  return {
    rows,
    extra: {
      format: 'semaigc-split-ablation',
      version: 1,
      totalSteps: TOTAL,
      snrsDb: SNRS,
      splits: SPLITS,
      variants,
      prompts: nPrompts,
      promptSeed: PROMPT_SEED,
      seedBase: SEED_BASE,
      channel: 'analog AWGN, unit-power normalisation, seed = request seed * 31 + SNR index',
      meanPsnrBySplitVariant: byVariant,
      defaultVariant: best,
      grid:
        'split-grid.png: rows = first 4 prompts; columns = reference, then for SNR -6, 0, 15 dB the variants ' +
        variants.join(', ') +
        ' at a = 10',
      samples,
    },
  };
}
