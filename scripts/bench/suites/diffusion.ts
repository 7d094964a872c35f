/**
 * `npm run bench -- diffusion [--quick] [--memory N]`: speed of the split runtime on the
 * bundle and its memory over repeated generations.
 *  1. onnxruntime-node (CPU): one guided UNet step (CFG) and a full 20-step generation for
 *     the session options that matter — intra-op threads 1 / 2, graph optimisation 'all' /
 *     'basic', CFG batched (one batch-2 call) / sequential (two batch-1 calls) — then, with
 *     the best by generation time, text encoding, VAE decode and the rest. The choice is made
 *     on the generation, not the isolated step: on an idle machine 2 threads won the single
 *     step by ~20% yet made back-to-back steps slower (a generation is 20 steps in a row).
 *  2. onnxruntime-web's wasm backend in Node (the browser receiver's kernels), same figures.
 *  3. PyTorch eager with the same architecture (scripts/bench/torch_speed.py) when
 *     /usr/bin/python3 has torch; the ratios ort-node/torch and wasm/ort-node are the figures.
 *  4. Memory: RSS before and after N generations (default 1000) with sessions reused.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import * as ortNode from 'onnxruntime-node';
import { SplitPipeline, type CfgMode, type OrtModule } from '@semaigc/diffusion';
import { dirBundleSource } from '@semaigc/models';
import { summarize, type Row, type SuiteContext, type SuiteResult } from '../harness';
import { numberArg, suiteArgs } from '../lib/args';
import { benchBundleDir } from '../lib/bundle';
// the browser page's timing loop, so page and Node rows are timed the same way
import { timeEach as timeMs } from '../../../apps/receiver-web/src/bench/samples';

const PROMPT = 'a large red circle on the left on a blue background';

function row(runtime: string, what: string, options: string, samples: number[]): Row {
  const s = summarize(samples);
  return { runtime, what, options, n: s.n, medianMs: s.median, p10Ms: s.p10, p90Ms: s.p90 };
}

/** Text encoding, 20 guided steps and the VAE decode: what a user waits for. */
async function generate20(p: SplitPipeline): Promise<unknown> {
  const e = await p.edgeDenoise({ prompt: PROMPT, seed: 2, totalSteps: 20, edgeSteps: 20 });
  return p.decode(e.latent);
}

async function measure(
  p: SplitPipeline,
  runtime: string,
  options: string,
  n: number,
  full = true,
): Promise<Row[]> {
  const text = await p.encodePrompt(PROMPT);
  const rows = [
    row(
      runtime,
      'unet step (CFG)',
      options,
      await timeMs(n, () => p.edgeDenoise({ textStates: text, seed: 1, totalSteps: 20, edgeSteps: 1 })),
    ),
  ];
  rows.push(
    row(runtime, 'generate 20 steps', options, await timeMs(Math.max(5, n / 5), () => generate20(p))),
  );
  if (!full) return rows;
  rows.push(row(runtime, 'text encoder', options, await timeMs(n, () => p.encodePrompt(PROMPT))));
  const z = (await p.edgeDenoise({ textStates: text, seed: 1, totalSteps: 20, edgeSteps: 20 })).latent;
  rows.push(row(runtime, 'vae decode', options, await timeMs(n, () => p.decode(z))));
  return rows;
}

function torchRows(bundle: string, n: number, log: (s: string) => void): Row[] {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    log(
      'PyTorch eager skipped: /usr/bin/python3 cannot import torch (scripts/setup.sh --pretrain installs it)',
    );
    return [];
  }
  const out = execFileSync(
    '/usr/bin/python3',
    [path.join(__dirname, '..', 'torch_speed.py'), bundle, String(n)],
    { encoding: 'utf8' },
  );
  const r = JSON.parse(out.trim().split('\n').pop()!) as Record<
    string,
    { n: number; median: number; p10: number; p90: number } | string | number
  >;
  const pick = (k: string, what: string): Row => {
    const s = r[k] as { n: number; median: number; p10: number; p90: number };
    return {
      runtime: 'pytorch-eager',
      what,
      options: `torch ${r['torch'] as string}, ${r['threads'] as number} threads`,
      n: s.n,
      medianMs: s.median,
      p10Ms: s.p10,
      p90Ms: s.p90,
    };
  };
  return [
    pick('unetStepMs', 'unet step (CFG)'),
    pick('textEncodeMs', 'text encoder'),
    pick('vaeDecodeMs', 'vae decode'),
    pick('generate20Ms', 'generate 20 steps'),
  ];
}

export default async function diffusion(ctx: SuiteContext): Promise<SuiteResult> {
  const args = suiteArgs(ctx.args, { memory: { type: 'string' } });
  const quick = args.quick;
  const n = quick ? 10 : 60;
  const memN = numberArg(args.memory, 'memory', quick ? 50 : 1000);
  const bundle = benchBundleDir();
  const source = dirBundleSource(bundle);
  const rows: Row[] = [];

  // 1. onnxruntime-node: the options grid on the UNet step.
  const grid: { threads: number; opt: 'all' | 'basic'; cfg: CfgMode }[] = [];
  for (const threads of [1, 2])
    for (const opt of ['all', 'basic'] as const)
      for (const cfg of ['batch', 'sequential'] as const) grid.push({ threads, opt, cfg });
  let best: { ms: number; g: (typeof grid)[number] } | null = null;
  for (const g of grid) {
    const p = await SplitPipeline.load(source, ortNode, {
      sessionOptions: { intraOpNumThreads: g.threads, interOpNumThreads: 1, graphOptimizationLevel: g.opt },
    });
    p.cfgMode = g.cfg;
    const rs = await measure(
      p,
      'onnxruntime-node',
      `threads ${g.threads}, opt ${g.opt}, cfg ${g.cfg}`,
      n,
      false,
    );
    rows.push(...rs);
    const genMs = rs.find((r) => r.what === 'generate 20 steps')!.medianMs as number;
    if (!best || genMs < best.ms) best = { ms: genMs, g };
    await p.release();
  }
  const b = best!.g;
  ctx.log(`best onnxruntime-node options: threads ${b.threads}, opt ${b.opt}, cfg ${b.cfg}`);
  const node = await SplitPipeline.load(source, ortNode, {
    sessionOptions: { intraOpNumThreads: b.threads, interOpNumThreads: 1, graphOptimizationLevel: b.opt },
  });
  node.cfgMode = b.cfg;
  const nodeRows = await measure(
    node,
    'onnxruntime-node',
    `best: threads ${b.threads}, opt ${b.opt}, cfg ${b.cfg}`,
    n,
  );
  rows.push(...nodeRows);

  // 2. onnxruntime-web wasm in Node.
  const ortWeb = (await import('onnxruntime-web')) as unknown as OrtModule & {
    env: { wasm: { numThreads: number } };
  };
  ortWeb.env.wasm.numThreads = 1;
  const web = await SplitPipeline.load(source, ortWeb, {
    sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
  });
  web.cfgMode = b.cfg;
  const webRows = await measure(web, 'onnxruntime-web (wasm, Node)', `1 thread, cfg ${b.cfg}`, n);
  rows.push(...webRows);
  await web.release();

  // 3. PyTorch eager.
  const torch = torchRows(bundle, n, ctx.log);
  rows.push(...torch);

  // 4. Memory over repeated generations with the reused sessions.
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const bar = new SingleBar(
    { format: 'memory {bar} {value}/{total} generations', stream: process.stderr },
    Presets.shades_classic,
  );
  bar.start(memN, 0);
  for (let i = 0; i < memN; i++) {
    const e = await node.edgeDenoise({ prompt: PROMPT, seed: i, totalSteps: 20, edgeSteps: 20 });
    await node.decode(e.latent);
    bar.increment();
  }
  bar.stop();
  global.gc?.();
  const rss1 = process.memoryUsage().rss;
  await node.release();

  const med = (rs: Row[], what: string): number | null =>
    (rs.find((r) => r.what === what)?.medianMs as number | undefined) ?? null;
  const ratio = (a: number | null, c: number | null): number | null =>
    a !== null && c !== null ? a / c : null;
  const step = {
    node: med(nodeRows, 'unet step (CFG)'),
    web: med(webRows, 'unet step (CFG)'),
    torch: med(torch, 'unet step (CFG)'),
  };
  const extra = {
    bundle,
    best: b,
    ratios: {
      ortNodeOverTorchStep: ratio(step.node, step.torch),
      wasmOverOrtNodeStep: ratio(step.web, step.node),
      targets: { ortNodeOverTorchStep: '<= 0.5', wasmOverOrtNodeStep: '<= 3' },
    },
    memory: {
      generations: memN,
      rssBeforeMiB: rss0 / 2 ** 20,
      rssAfterMiB: rss1 / 2 ** 20,
      growthMiB: (rss1 - rss0) / 2 ** 20,
      target: '<= 50 MB',
    },
  };
  ctx.log(
    `ratios: ${JSON.stringify(extra.ratios)}; memory growth ${extra.memory.growthMiB.toFixed(1)} MiB over ${memN} generations`,
  );
  rows.push({
    runtime: 'ratio',
    what: 'ort-node / torch, unet step',
    options: 'target <= 0.5',
    n: null,
    medianMs: extra.ratios.ortNodeOverTorchStep,
    p10Ms: null,
    p90Ms: null,
  });
  rows.push({
    runtime: 'ratio',
    what: 'wasm / ort-node, unet step',
    options: 'target <= 3',
    n: null,
    medianMs: extra.ratios.wasmOverOrtNodeStep,
    p10Ms: null,
    p90Ms: null,
  });
  rows.push({
    runtime: 'memory',
    what: `RSS growth over ${memN} generations (MiB)`,
    options: 'target <= 50 MB',
    n: memN,
    medianMs: extra.memory.growthMiB,
    p10Ms: null,
    p90Ms: null,
  });
  return { rows, extra };
}
