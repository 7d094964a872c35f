/** Opens bench.html once with one configuration and returns its report. */
import type { Browser } from 'playwright-core';
import { newPhonePage, type WorkerThrottling } from '@semaigc/testkit';
import type { PageConfig } from './configs';

/** What bench.html publishes as `window.__bench` (apps/receiver-web/src/bench/main.ts). */
export interface BenchReport {
  config: Record<string, string | number | boolean>;
  crossOriginIsolated: boolean;
  loadMs: number;
  samples: Record<string, number[]>;
  responsiveness: { longestTaskMs: number | null; longTasks: number; maxTimerGapMs: number } | null;
  error: string | null;
  /** Throttled pages: what became of asking the page's workers for the same CPU rate. */
  workerThrottling?: WorkerThrottling | null;
}

export const VISIT_TIMEOUT_MS = 600_000;

export async function visit(
  browser: Browser,
  origin: string,
  c: PageConfig,
  n: number,
): Promise<BenchReport> {
  const q = new URLSearchParams({
    bundle: '/bundle/',
    n: String(n),
    parts: ['steps', ...(c.gen ? ['gen'] : []), ...(c.probe ? ['probe'] : [])].join(','),
    ...c.params,
  });
  const { context, page, workerThrottling } = await newPhonePage(browser, {
    cpuRate: c.cpuRate ?? 1,
    mobile: c.mobile ?? false,
    workers: true,
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    await page.goto(`${origin}/r/bench.html?${q.toString()}`);
    await page.waitForFunction(() => (window as { __bench?: unknown }).__bench !== undefined, undefined, {
      timeout: VISIT_TIMEOUT_MS,
      polling: 250,
    });
    const r = await page.evaluate(() => (window as unknown as { __bench: BenchReport }).__bench);
    if (!r.error && pageErrors.length) r.error = `page errors: ${pageErrors.join('; ')}`;
    return { ...r, workerThrottling };
  } finally {
    await context.close();
  }
}
