/**
 * The tiny SD-architecture export (packages/models/tiny-sd: SD v1.x interfaces in Optimum's
 * layout, no manifest.json) in headless Chromium, through the standard path of the pages'
 * own loading code: parity.html against the PyTorch fixtures on onnxruntime-web's wasm
 * (int64 ids and timesteps through the page), the receiver page loading it at 512x512 in its
 * inference worker (int64 tensors cross the worker's wire), and the page refusing it, naming
 * the file and both figures, when the device's memory budget is too small.
 *
 * Needs apps/receiver-web/dist; built once by the helper when missing or stale.
 */
import type { Browser, Page } from 'playwright-core';
import { TINY_SD_DIR } from '@semaigc/models';
import { hasChromium, launchChromium } from '@semaigc/testkit';
import { startStaticServer, type StaticServer } from './helpers/static-server';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from '../apps/receiver-web/test/helpers/ensure-built';

const TIMEOUT_MS = 240_000;

interface ParityReport {
  ok: boolean;
  cases: { name: string; maxAbsDiff: number; ok: boolean; detail?: string }[];
  error: string | null;
}

interface ReceiverObs {
  state: string;
  detail: string;
  backend: string | null;
}

const maybe = hasChromium() ? describe : describe.skip;
if (!hasChromium()) process.stderr.write('tiny-sd-browser.test: skipped, Chromium is not installed\n');

maybe('tiny SD export in headless Chromium', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureReceiverWebBuilt();
    server = await startStaticServer({ mounts: { '/r/': RECEIVER_WEB_DIST, '/bundle/': TINY_SD_DIR } });
    browser = await launchChromium();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function withPage<T>(fn: (page: Page, errors: string[]) => Promise<T>): Promise<T> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      return await fn(page, errors);
    } finally {
      await context.close();
    }
  }

  test(
    'parity.html: ids, text states, every DDIM step and the image within 1e-4 on wasm',
    async () => {
      const report = await withPage(async (page, errors) => {
        await page.goto(`${server.url}/r/parity.html`);
        await page.waitForFunction(() => '__parity' in window, undefined, { timeout: TIMEOUT_MS });
        expect(errors).toEqual([]);
        return page.evaluate(() => (window as unknown as { __parity: ParityReport }).__parity);
      });
      expect(report.error).toBeNull();
      // The fixture count check + 5 checks for each of the two edge cases.
      expect(report.cases).toHaveLength(11);
      for (const c of report.cases)
        expect({ name: c.name, ok: c.ok, detail: c.detail }).toEqual({
          name: c.name,
          ok: true,
          detail: undefined,
        });
      expect(Math.max(...report.cases.map((c) => c.maxAbsDiff))).toBeLessThan(1e-4);
      expect(report.ok).toBe(true);
    },
    TIMEOUT_MS,
  );

  /** Opens the receiver page and waits until it is past loading (no coordinator here). */
  async function receiver(query: string): Promise<{ obs: ReceiverObs; onnx: string[] }> {
    return withPage(async (page) => {
      const onnx: string[] = [];
      page.on('request', (r) => {
        const p = new URL(r.url()).pathname;
        if (p.endsWith('.onnx')) onnx.push(p);
      });
      await page.goto(`${server.url}/r/?join=TEST42&${query}`);
      await page.waitForFunction(
        () =>
          ['connecting', 'disconnected', 'ready', 'failed'].includes(
            (window as unknown as { __receiver?: { state: string } }).__receiver?.state ?? '',
          ),
        undefined,
        { timeout: TIMEOUT_MS },
      );
      const obs = await page.evaluate(() => (window as unknown as { __receiver: ReceiverObs }).__receiver);
      return { obs, onnx };
    });
  }

  test(
    'the receiver page loads it through the standard path at 512x512 and goes on to join',
    async () => {
      const { obs, onnx } = await receiver('bundle=/bundle/');
      expect({ state: obs.state, detail: obs.state === 'failed' ? obs.detail : '' }).not.toMatchObject({
        state: 'failed',
      });
      expect(obs.backend).toBe('wasm');
      expect(onnx.sort()).toEqual([
        '/bundle/text_encoder/model.onnx',
        '/bundle/unet/model.onnx',
        '/bundle/vae_decoder/model.onnx',
      ]);
    },
    TIMEOUT_MS,
  );

  test(
    'a memory budget too small for it is refused as the files arrive, naming the file and both figures',
    async () => {
      // 70 MiB: the text encoder (0.8 MB) fits beside the runtime's 64 MB, the UNet does not.
      const { obs, onnx } = await receiver('bundle=/bundle/&memoryLimitMb=70');
      expect(obs.state).toBe('failed');
      expect(obs.detail).toContain('unet/model.onnx');
      expect(obs.detail).toMatch(/needs about \d+ MB .* more than this device's 70 MB/);
      expect(obs.detail).toContain('configured memoryLimitMb=70');
      expect(onnx).not.toContain('/bundle/vae_decoder/model.onnx');
    },
    TIMEOUT_MS,
  );
});
