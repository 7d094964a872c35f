/**
 * bench.html: one configuration of the receiver's onnxruntime-web set-up, timed with the
 * page's own loading code (`loadReceiverPipeline`) and pipeline calls, for
 * `npm run bench -- browser` (scripts/bench/suites/browser.ts), which opens this page once per
 * configuration in headless Chromium and summarises the samples. URL parameters:
 *
 *   inference=worker|main|ort-proxy   where ORT runs (ort-proxy: ORT's own proxy worker)
 *   build=plain|jsep   threads=<n>   cfg=batch|sequential   opt=all|extended|basic|disabled
 *   arena=0|1 (enableCpuMemArena)   spin=0|1 (ORT's intra-op threads spin-wait for work)
 *   n=<samples per case>   bundle=<url>
 *   parts=steps,gen,micro,probe   which cases (default steps,gen; probe: a fixed JS loop on the
 *     main thread and in a worker, to see where CPU throttling reaches)
 *
 * Publishes `window.__bench` (raw samples in ms per case, the ORT share of each step, and
 * the main thread's responsiveness during the generations) when done.
 */
import {
  initialNoise,
  urlBundleSource,
  type CfgMode,
  type ReceiverVariant,
  type SplitPipeline,
} from '@semaigc/diffusion';
import { describeError } from '@semaigc/protocol';
import { DEFAULT_RECEIVER_VARIANT } from '@semaigc/receiver';
import type { InferenceSession } from 'onnxruntime-web';
import { readPageConfig } from '../config';
import { ORT_BUILDS, type OrtBuild } from '../inference/messages';
import type { RunClock } from '../inference/run-clock';
import { DEFAULT_WASM_BUILD, loadReceiverPipeline } from '../load-pipeline';
import { loadOrt, wasmThreads } from '../ort-env';
import { rawSessionSamples } from './raw-session';
import { throttleProbe } from './throttle-probe';
import { ResponsivenessProbe, type Responsiveness } from './responsiveness';
import { BENCH_PROMPT, localGeneration, receiverSteps, timeEach } from './samples';

const OPT_LEVELS = ['all', 'extended', 'basic', 'disabled'] as const;
/** Probe samples per visit: the loop is long (hundreds of ms when throttled) and steady. */
const PROBE_SAMPLES = 5;

export interface BenchReport {
  config: Record<string, string | number | boolean>;
  crossOriginIsolated: boolean;
  loadMs: number;
  /** Raw samples (ms) per case name. */
  samples: Record<string, number[]>;
  /** During the timed 20-step generations. */
  responsiveness: Responsiveness | null;
  error: string | null;
}

declare global {
  interface Window {
    __bench?: BenchReport;
  }
}

function pick<T extends string>(q: URLSearchParams, key: string, allowed: readonly T[], fallback: T): T {
  const v = q.get(key) ?? fallback;
  if (!(allowed as readonly string[]).includes(v))
    throw new TypeError(`URL parameter '${key}' must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

async function stepCase(
  p: SplitPipeline,
  clock: RunClock,
  n: number,
  variant: ReceiverVariant,
  into: Record<string, number[]>,
  name: string,
): Promise<void> {
  const { stepMs, ortMs } = await receiverSteps(p, n, variant, clock);
  into[name] = stepMs;
  into[`${name}: ORT run`] = ortMs;
  into[`${name}: JS around ORT`] = stepMs.map((s, i) => s - ortMs[i]!);
}

async function main(): Promise<BenchReport> {
  const q = new URLSearchParams(location.search);
  // The page's own parameters (threads, bundle) as the receiver reads them; 'inference' has
  // one more value here (ort-proxy), so it is read apart.
  const pageQuery = new URLSearchParams(q);
  pageQuery.delete('inference');
  const page = readPageConfig(`?${pageQuery.toString()}`);
  const mode = pick(q, 'inference', ['worker', 'main', 'ort-proxy'] as const, 'worker');
  const build: OrtBuild = pick(q, 'build', ORT_BUILDS, DEFAULT_WASM_BUILD);
  const threads = wasmThreads(page.threads);
  const cfg: CfgMode = pick(q, 'cfg', ['batch', 'sequential'] as const, 'batch');
  const opt = pick(q, 'opt', OPT_LEVELS, 'all');
  const arena = pick(q, 'arena', ['0', '1'] as const, '1') === '1';
  const spin = pick(q, 'spin', ['0', '1'] as const, '1');
  const n = Math.max(1, Number(q.get('n') ?? 10) | 0);
  const parts = new Set((q.get('parts') ?? 'steps,gen').split(','));
  const config = { inference: mode, build, threads, cfg, opt, arena, spin, n, parts: [...parts].join(',') };
  const report: BenchReport = {
    config,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    loadMs: 0,
    samples: {},
    responsiveness: null,
    error: null,
  };
  const sessionOptions: InferenceSession.SessionOptions = {
    graphOptimizationLevel: opt,
    enableCpuMemArena: arena,
    // ORT's session config entry session.intra_op.allow_spinning (default '1').
    ...(spin === '0' ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
  };
  if (parts.has('probe')) Object.assign(report.samples, await throttleProbe(Math.min(n, PROBE_SAMPLES)));
  const base = new URL(page.bundleUrl, location.href).href;
  const source = urlBundleSource(base, { cacheName: null });

  if (parts.has('micro')) {
    const ort = await loadOrt({ build, threads });
    const manifest = (await (await fetch(`${base.replace(/\/$/, '')}/manifest.json`)).json()) as {
      components: { unet: { file: string } };
      latent: { channels: number; height: number; width: number };
      tokenizer: { max_length: number };
      text: { hidden_size: number };
    };
    const bytes = await source.readBytes(manifest.components.unet.file);
    const l = manifest.latent;
    Object.assign(
      report.samples,
      await rawSessionSamples({
        ort,
        bytes,
        options: { ...sessionOptions, executionProviders: ['wasm'] },
        latent: [l.channels, l.height, l.width],
        text: [manifest.tokenizer.max_length, manifest.text.hidden_size],
        n,
      }),
    );
    return report;
  }

  const t0 = performance.now();
  const rt = await loadReceiverPipeline(source, {
    backend: 'wasm',
    threads,
    inference: mode === 'worker' ? 'worker' : 'main',
    ortProxy: mode === 'ort-proxy',
    wasmBuild: build,
    sessionOptions,
    cfgMode: cfg,
  });
  report.loadMs = performance.now() - t0;
  const p = rt.pipeline;
  try {
    if (parts.has('steps')) {
      await stepCase(p, rt.clock, n, DEFAULT_RECEIVER_VARIANT, report.samples, 'unet step');
      await stepCase(p, rt.clock, n, 'finetune', report.samples, 'finetune unet step');
      report.samples['text encoder'] = await timeEach(n, () => p.encodePrompt(BENCH_PROMPT));
      const z = initialNoise(7, p.size);
      report.samples['vae decode'] = await timeEach(n, () => p.decode(z));
    }
    if (parts.has('gen')) {
      // Local AIGC as the page runs it, with the main thread watched meanwhile.
      const probe = new ResponsivenessProbe();
      let seed = 0;
      await localGeneration(p, seed++);
      probe.begin();
      const times = await timeEach(Math.max(3, Math.round(n / 4)), () => localGeneration(p, seed++));
      report.responsiveness = await probe.end();
      report.samples['generate 20 steps (text, 20 steps, decode)'] = times;
    }
  } finally {
    await rt.release();
  }
  return report;
}

const status = document.getElementById('status')!;
void main()
  .catch((err: unknown): BenchReport => ({
    config: { url: location.search },
    crossOriginIsolated: globalThis.crossOriginIsolated,
    loadMs: 0,
    samples: {},
    responsiveness: null,
    error: describeError(err),
  }))
  .then((r) => {
    status.dataset['state'] = r.error ? 'failed' : 'ready';
    status.textContent = r.error ? `FAILED: ${r.error}` : 'done';
    document.getElementById('report')!.textContent = JSON.stringify(r, null, 1);
    window.__bench = r;
  });
