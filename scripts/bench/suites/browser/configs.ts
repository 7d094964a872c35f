/**
 * The configurations the browser suite opens bench.html with. Each differs from the page's
 * defaults in one option (the option matrix), plus the page as it was before its inference
 * moved to a worker (main thread, JSEP build, min(4, cores) threads) and the phone-class runs.
 */
export interface PageConfig {
  /** Row label: what differs from the defaults. */
  label: string;
  /** bench.html URL parameters (unset: the page's default). */
  params: Record<string, string>;
  /** CDP CPU throttling rate and phone viewport (default: none, desktop). */
  cpuRate?: number;
  mobile?: boolean;
  /** Also the 20-step generation with the responsiveness probe. */
  gen?: boolean;
  /** Also the throttle probe (a fixed JS loop on the main thread and in a worker). */
  probe?: boolean;
}

import * as os from 'node:os';

export const DEFAULT_LABEL = 'default options';
export const BEFORE_LABEL = 'before: main thread, jsep build, min(4, cores) threads';
/**
 * The page's wasm threads before the default left a core spare: min(4, cores). The bench
 * runs Chromium on this machine, so Node's count is the page's `hardwareConcurrency`.
 */
export const BEFORE_THREADS = String(Math.min(4, os.availableParallelism()));

export function matrix(quick: boolean): PageConfig[] {
  const all: PageConfig[] = [
    { label: DEFAULT_LABEL, params: {}, gen: true, probe: true },
    { label: BEFORE_LABEL, params: { inference: 'main', build: 'jsep', threads: BEFORE_THREADS }, gen: true },
    { label: 'main thread', params: { inference: 'main' }, gen: true },
    { label: 'ORT proxy worker', params: { inference: 'ort-proxy' } },
    { label: 'jsep build', params: { build: 'jsep' } },
    { label: 'threads 1', params: { threads: '1' } },
    { label: 'threads 2', params: { threads: '2' } },
    { label: 'cfg sequential', params: { cfg: 'sequential' } },
    { label: 'graph opt basic', params: { opt: 'basic' } },
    { label: 'graph opt disabled', params: { opt: 'disabled' } },
    { label: 'enableCpuMemArena off', params: { arena: '0' } },
    { label: 'intra-op spinning off', params: { spin: '0' } },
  ];
  return quick ? all.filter((c) => !['graph opt disabled', 'threads 2'].includes(c.label)) : all;
}

/** The raw-session cases (main thread): per-call choices and the JS around one call. */
export const MICRO: PageConfig = { label: 'raw session', params: { inference: 'main', parts: 'micro' } };

/**
 * Phone-class: a phone viewport and CPU throttling. Chromium throttles the page target (its
 * main thread); it refuses `Emulation.setCPUThrottlingRate` on worker targets, and whether the
 * page's throttling slows its workers is measured by the throttle probe (a fixed JS loop on
 * both), against the unthrottled phone page. So the phone estimate is ORT on the main thread
 * with one thread, where the throttling certainly applies; the default (worker) page runs
 * throttled too, to show what the throttling does and does not reach.
 */
export const PHONE_REFERENCE_LABEL = 'phone 1x: main thread, threads 1';

export function phones(quick: boolean): PageConfig[] {
  const out: PageConfig[] = [
    {
      label: PHONE_REFERENCE_LABEL,
      params: { inference: 'main', threads: '1' },
      mobile: true,
      probe: true,
      gen: true,
    },
  ];
  for (const rate of quick ? [4] : [4, 6]) {
    out.push({
      label: `phone ${rate}x: main thread, threads 1`,
      params: { inference: 'main', threads: '1' },
      cpuRate: rate,
      mobile: true,
      probe: true,
      gen: true,
    });
    out.push({
      label: `phone ${rate}x: ${DEFAULT_LABEL}`,
      params: {},
      cpuRate: rate,
      mobile: true,
      probe: true,
    });
  }
  return out;
}
