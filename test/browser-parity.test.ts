/**
 * Fixture parity in headless Chromium: apps/receiver-web's
 * parity.html, served with COOP/COEP next to the model bundle, recomputes the bundle's
 * reference text states, per-step latents, decoded images and split cases on
 * onnxruntime-web's wasm backend, with threads because the page is cross-origin isolated.
 *
 * Needs apps/receiver-web/dist (scripts/setup.sh builds it); when it is missing or older
 * than the page's sources, this test runs the Vite build once (about 5 s here).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';
import { hasChromium, launchChromium } from '@semaigc/testkit';
import { startStaticServer } from './helpers/static-server';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from '../apps/receiver-web/test/helpers/ensure-built';

const TOLERANCE = 1e-4;
const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;

interface ParityReport {
  ok: boolean;
  cases: { name: string; maxAbsDiff: number; ok: boolean; detail?: string }[];
  error: string | null;
  crossOriginIsolated: boolean;
  threads: number;
  ms: number;
}

const maybe = hasChromium() ? test : test.skip;
if (!hasChromium()) process.stderr.write('browser-parity.test: skipped, Chromium is not installed\n');

maybe(
  'parity.html matches the fixtures within 1e-4 on onnxruntime-web wasm, cross-origin isolated',
  async () => {
    await ensureReceiverWebBuilt();
    const index = JSON.parse(fs.readFileSync(path.join(BUNDLE_DIR, 'fixtures', 'index.json'), 'utf8')) as {
      cases: { kind: string }[];
    };
    const edge = index.cases.filter((c) => c.kind === 'edge').length;
    const split = index.cases.filter((c) => c.kind === 'split').length;
    const server = await startStaticServer({ mounts: { '/r/': RECEIVER_WEB_DIST, '/bundle/': BUNDLE_DIR } });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${server.url}/r/parity.html`);
      await page.waitForFunction(() => 'crossOriginIsolated' in window && '__parity' in window, undefined, {
        timeout: 200_000,
      });
      const report = await page.evaluate(() => (window as unknown as { __parity: ParityReport }).__parity);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);

      expect(pageErrors).toEqual([]);
      expect(report.error).toBeNull();
      expect(report.crossOriginIsolated).toBe(true);
      // Threads are on exactly because the page is isolated: min(4, cores).
      expect(report.threads).toBe(Math.min(4, cores));
      // 1 bundle check + 5 per edge case (ids, two text states, latents, image) + 2 per split case.
      expect(report.cases).toHaveLength(1 + 5 * edge + 2 * split);
      for (const c of report.cases) {
        expect({ name: c.name, ok: c.ok, detail: c.detail }).toEqual({
          name: c.name,
          ok: true,
          detail: undefined,
        });
        expect(c.maxAbsDiff).toBeLessThan(TOLERANCE);
      }
      expect(report.ok).toBe(true);
      process.stderr.write(
        `browser parity: ${report.cases.length} checks, max |Δ| ${Math.max(
          ...report.cases.map((c) => c.maxAbsDiff),
        ).toExponential(2)}, ${report.threads} threads, ${(report.ms / 1000).toFixed(1)} s in the page\n`,
      );
    } finally {
      await browser.close();
      await server.close();
    }
  },
  300_000,
);
