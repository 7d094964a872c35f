/**
 * `npm run bench -- browser [--quick] [--rounds N] [--n N] [--no-phones] [--only a,b]`: the receiver page's
 * speed in headless Chromium against onnxruntime-node, measured in the same run.
 *
 * Method. The page's build (apps/receiver-web, built if stale) is served with COOP/COEP
 * (cross-origin isolated, so wasm threads work) next to the model bundle. bench.html loads
 * the pipeline with the page's own code (`loadReceiverPipeline`) in one configuration given
 * by URL parameters and times, after a warm-up each: the receiver step the page announces
 * (the last step of 20 with the default variant and CFG, `page unet step`), split into
 * ORT's `session.run` and the JavaScript around it; the fine-tuning UNet's step; text
 * encoding; VAE decode; and for some configurations a Local AIGC generation (text, 20
 * steps, decode) with the main thread's longest task and longest timer gap meanwhile.
 * Configurations (browser/configs.ts): the defaults, each option changed alone (main thread,
 * ORT's proxy worker, the JSEP build, threads, CFG sequential, graph optimisation,
 * enableCpuMemArena), the page as it was before (main thread, JSEP build, min(4, cores)
 * threads), a raw-session
 * page (fresh vs reused feed tensors, a preallocated output, freeDimensionOverrides, the JS
 * around one call) and phone-class runs (CDP CPU throttling 4x/6x, phone viewport). Each
 * round visits every configuration once and measures onnxruntime-node (the headless
 * receiver's options) once, so load from other processes hits them alike; samples pool
 * over rounds. Rows: n, median, p10, p90 per case, the page/ort-node ratio (target <= 2.5).
 * `--only` keeps the configurations whose label contains one of the given words (the
 * defaults always run), for short runs on a busy machine.
 */
import * as path from 'node:path';
import { hasChromium, launchChromium, type WorkerThrottling } from '@semaigc/testkit';
import {
  ensureReceiverWebBuilt,
  RECEIVER_WEB_DIST,
} from '../../../apps/receiver-web/test/helpers/ensure-built';
import { startStaticServer } from '../../../test/helpers/static-server';
import { summarize, type Row, type SuiteContext, type SuiteResult } from '../harness';
import { numberArg, suiteArgs } from '../lib/args';
import { benchBundleDir } from '../lib/bundle';
import {
  BEFORE_LABEL,
  DEFAULT_LABEL,
  MICRO,
  PHONE_REFERENCE_LABEL,
  matrix,
  phones,
  type PageConfig,
} from './browser/configs';
import { nodeSamples, wasmNodeSamples } from './browser/node-run';
import { visit, type BenchReport } from './browser/page-run';
import { holdPriority, type ReniceReport } from './browser/renice';

export const TARGET_RATIO = 2.5;
/** onnxruntime-web's wasm kernels in Node, one thread: the per-thread floor under the page. */
const WASM_NODE = 'ort-web wasm in Node, 1 thread';

type Pool = Map<string, Map<string, number[]>>;

function add(pool: Pool, who: string, samples: Record<string, number[]>): void {
  let m = pool.get(who);
  if (!m) pool.set(who, (m = new Map<string, number[]>()));
  for (const [k, v] of Object.entries(samples)) m.set(k, [...(m.get(k) ?? []), ...v]);
}

function statRow(kase: string, config: string, samples: number[] | undefined, extra: Row = {}): Row | null {
  if (!samples?.length) return null;
  const s = summarize(samples);
  return { case: kase, config, n: s.n, medianMs: s.median, p10Ms: s.p10, p90Ms: s.p90, ...extra };
}

export default async function browser(ctx: SuiteContext): Promise<SuiteResult> {
  const args = suiteArgs(ctx.args, {
    rounds: { type: 'string' },
    n: { type: 'string' },
    'no-phones': { type: 'boolean', default: false },
    only: { type: 'string' },
  });
  const quick = args.quick;
  const rounds = numberArg(args.rounds, 'rounds', quick ? 1 : 3);
  const n = numberArg(args.n, 'n', quick ? 8 : 20);
  if (!hasChromium()) throw new Error('Chromium is not installed (scripts/setup.sh installs it)');
  const built = await ensureReceiverWebBuilt();
  if (built) ctx.log(`built apps/receiver-web in ${(built / 1000).toFixed(1)} s`);
  const bundleDir = benchBundleDir();
  const server = await startStaticServer({ mounts: { '/r/': RECEIVER_WEB_DIST, '/bundle/': bundleDir } });
  // Chromium's renderers would run at nice 0 whatever the benchmark's nice (see renice.ts).
  const priority = holdPriority();
  const chromium = await launchChromium();
  const only = args.only?.split(',').map((s) => s.trim().toLowerCase());
  const configs: PageConfig[] = [...matrix(quick), MICRO, ...(args['no-phones'] ? [] : phones(quick))].filter(
    (c) => c.label === DEFAULT_LABEL || !only || only.some((o) => c.label.toLowerCase().includes(o)),
  );
  const pool: Pool = new Map();
  const reports: Record<string, BenchReport[]> = {};
  const version = chromium.version();
  try {
    for (let r = 0; r < rounds; r++) {
      ctx.log(`round ${r + 1}/${rounds}: onnxruntime-node`);
      add(pool, 'ort-node', await nodeSamples(bundleDir, 1, n, true));
      add(pool, 'ort-node, threads 2', await nodeSamples(bundleDir, 2, n, false));
      add(pool, WASM_NODE, await wasmNodeSamples(bundleDir, n));
      for (const c of configs) {
        ctx.log(`round ${r + 1}/${rounds}: page, ${c.label}`);
        const rep = await visit(chromium, server.url, c, n);
        (reports[c.label] ??= []).push(rep);
        if (rep.error) ctx.log(`  ${c.label}: ${rep.error}`);
        else add(pool, c.label, rep.samples);
      }
    }
  } finally {
    await chromium.close();
    await server.close();
  }
  const renice: ReniceReport = priority.stop();
  ctx.log(
    `Chromium held at nice ${renice.target}: ${renice.reniced} thread changes, ${renice.failed} failed`,
  );

  const rows: Row[] = [];
  const get = (who: string, kase: string): number[] | undefined => pool.get(who)?.get(kase);
  const push = (r: Row | null): void => void (r && rows.push(r));
  // The two figures the acceptance names, first.
  push(statRow(`page unet step (${DEFAULT_LABEL})`, DEFAULT_LABEL, get(DEFAULT_LABEL, 'unet step')));
  push(
    statRow(
      'ort-node unet step',
      'onnxruntime-node, 1 thread (headless receiver)',
      get('ort-node', 'unet step'),
    ),
  );
  const med = (who: string, kase = 'unet step'): number | null => {
    const s = get(who, kase);
    return s?.length ? summarize(s).median : null;
  };
  const nodeStep = med('ort-node');
  const ratio = (who: string): number | null => {
    const m = med(who);
    return m !== null && nodeStep ? m / nodeStep : null;
  };
  const cases = [
    'unet step',
    'unet step: ORT run',
    'unet step: JS around ORT',
    'finetune unet step',
    'text encoder',
    'vae decode',
    'generate 20 steps (text, 20 steps, decode)',
    'probe loop: main thread',
    'probe loop: worker',
  ];
  for (const c of configs) {
    if (c === MICRO) continue;
    for (const k of cases) {
      const extra: Row = k === 'unet step' ? { ratioToOrtNode: ratio(c.label) } : {};
      const rep = reports[c.label]?.find((x) => x.responsiveness)?.responsiveness;
      if (k.startsWith('generate') && rep) {
        const all = reports[c.label]!.map((x) => x.responsiveness).filter((x) => x !== null);
        extra['longestMainTaskMs'] = Math.max(0, ...all.map((x) => x.longestTaskMs ?? 0));
        extra['maxTimerGapMs'] = Math.max(...all.map((x) => x.maxTimerGapMs));
      }
      push(statRow(`page ${k}`, c.label, get(c.label, k), extra));
    }
  }
  for (const [k, v] of pool.get(MICRO.label) ?? [])
    push(statRow(`page ${k}`, 'main thread, default build and threads', v));
  // 'ort-node unet step' is the acceptance row above: one row per case.
  for (const who of ['ort-node', 'ort-node, threads 2'])
    for (const k of cases.filter((x) => !x.includes(':')))
      if (!(who === 'ort-node' && k === 'unet step')) push(statRow(`${who} ${k}`, who, get(who, k)));
  push(
    statRow(`${WASM_NODE} unet step`, WASM_NODE, get(WASM_NODE, 'unet step'), {
      ratioToOrtNode: ratio(WASM_NODE),
    }),
  );
  // Where the CPU throttling reaches: each throttled phone page's probe loop against the
  // unthrottled phone page's, on the main thread and in a worker (1 = not slowed).
  interface Reach {
    cpuRate: number;
    mainThread: number | null;
    worker: number | null;
    workerThrottling: WorkerThrottling | null;
  }
  const throttleReach: Record<string, Reach> = {};
  for (const c of configs.filter((x) => (x.cpuRate ?? 1) > 1 && x.probe)) {
    const slow = (k: string): number | null => {
      const a = med(c.label, k);
      const b = med(PHONE_REFERENCE_LABEL, k);
      return a !== null && b ? a / b : null;
    };
    const r: Reach = {
      cpuRate: c.cpuRate!,
      mainThread: slow('probe loop: main thread'),
      worker: slow('probe loop: worker'),
      // Chromium's answers when the page's workers were asked for the rate too.
      workerThrottling: reports[c.label]?.[0]?.workerThrottling ?? null,
    };
    throttleReach[c.label] = r;
    rows.push({
      case: `throttle reach ${c.cpuRate}x: probe loop slow-down (main thread / worker)`,
      config: `${c.label} vs ${PHONE_REFERENCE_LABEL}`,
      n: null,
      medianMs: r.mainThread,
      p10Ms: null,
      p90Ms: null,
      workerSlowdown: r.worker,
    });
  }
  const before = ratio(BEFORE_LABEL);
  const after = ratio(DEFAULT_LABEL);
  rows.push({
    case: 'ratio page/ort-node unet step, before',
    config: BEFORE_LABEL,
    n: null,
    medianMs: before,
    p10Ms: null,
    p90Ms: null,
  });
  rows.push({
    case: 'ratio page/ort-node unet step, after',
    config: `${DEFAULT_LABEL} (target <= ${TARGET_RATIO})`,
    n: null,
    medianMs: after,
    p10Ms: null,
    p90Ms: null,
  });
  ctx.log(
    `page/ort-node unet step: before ${before?.toFixed(2)}, after ${after?.toFixed(2)} (target <= ${TARGET_RATIO})`,
  );
  return {
    rows,
    extra: {
      chromium: version,
      bundle: path.relative(process.cwd(), bundleDir),
      rounds,
      samplesPerVisit: n,
      target: { pageOverOrtNodeStep: `<= ${TARGET_RATIO}` },
      ratios: { before, after },
      renice,
      throttleReach,
      configs: configs.map((c) => ({
        label: c.label,
        params: c.params,
        cpuRate: c.cpuRate ?? 1,
        mobile: c.mobile ?? false,
      })),
      reports,
    },
  };
}
