/**
 * The phone memory limit: the receiver page refuses a model that needs more than the device's
 * budget, saying both figures, in headless Chromium with the real bundle. With the manifest's
 * sizes it refuses before downloading any model file; with a manifest that gives none (as a
 * standard export's built one) it refuses while the files arrive, before ORT gets the one that
 * passes the budget. The budget rule itself (configured limit, navigator.deviceMemory share,
 * wasm32 cap) is checked on plain numbers.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';
import { hasChromium, launchChromium } from '@semaigc/testkit';
import { startStaticServer, type StaticServer } from '../../../test/helpers/static-server';
import { ModelMemoryError } from '../src/errors';
import {
  DEVICE_MEMORY_SHARE,
  WASM32_MAX_BYTES,
  checkModelFits,
  memoryBudget,
  modelMemoryNeed,
} from '../src/inference/memory-limit';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from './helpers/ensure-built';

const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;
const TIMEOUT_MS = 120_000;
const MiB = 2 ** 20;

interface Manifest {
  name: string;
  components: Record<string, { file: string; bytes?: number }>;
}
const manifest = JSON.parse(fs.readFileSync(path.join(BUNDLE_DIR, 'manifest.json'), 'utf8')) as Manifest;
const modelBytes = Object.values(manifest.components).reduce((a, c) => a + (c.bytes ?? 0), 0);

describe('memory budget rule', () => {
  test('a configured limit wins; else a share of navigator.deviceMemory; never over wasm32', () => {
    const a = memoryBudget({ configuredMb: 300, deviceMemoryGiB: 8, jsHeapSizeLimit: null });
    expect(a).toMatchObject({ bytes: 300 * MiB, source: 'configured' });
    const b = memoryBudget({ configuredMb: null, deviceMemoryGiB: 2, jsHeapSizeLimit: 2 ** 31 });
    expect(b).toMatchObject({ bytes: 2 * 2 ** 30 * DEVICE_MEMORY_SHARE, source: 'deviceMemory' });
    expect(b.detail).toContain('navigator.deviceMemory 2 GiB');
    expect(b.detail).toContain('JS heap limit 2048 MB');
    const c = memoryBudget({ configuredMb: null, deviceMemoryGiB: null, jsHeapSizeLimit: null });
    expect(c).toMatchObject({ bytes: WASM32_MAX_BYTES, source: 'wasm32' });
    expect(
      memoryBudget({ configuredMb: 64 * 1024, deviceMemoryGiB: null, jsHeapSizeLimit: null }).bytes,
    ).toBe(WASM32_MAX_BYTES);
    expect(() => memoryBudget({ configuredMb: 0, deviceMemoryGiB: null, jsHeapSizeLimit: null })).toThrow(
      TypeError,
    );
  });

  test('a model fits up to the budget and is refused past it, with both figures', () => {
    const budget = memoryBudget({ configuredMb: null, deviceMemoryGiB: 4, jsHeapSizeLimit: null });
    const fits = (budget.bytes - modelMemoryNeed(0)) / 2;
    expect(() => checkModelFits('model m', Math.floor(fits), budget)).not.toThrow();
    let err: unknown;
    try {
      checkModelFits('model m', Math.ceil(fits) + MiB, budget);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelMemoryError);
    expect((err as Error).message).toMatch(/^model m needs about \d+ MB .* more than this device's 2048 MB/);
    expect((err as Error).message).toContain('navigator.deviceMemory 4 GiB');
  });
});

const maybe = hasChromium() ? describe : describe.skip;
if (!hasChromium()) process.stderr.write('memory-limit.test: skipped, Chromium is not installed\n');

maybe('receiver page memory limit (headless Chromium)', () => {
  let server: StaticServer;
  let browser: Browser;
  let sizeless: string;

  beforeAll(async () => {
    await ensureReceiverWebBuilt();
    // The same bundle with a manifest that gives no sizes: the files behind symlinks.
    sizeless = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-sizeless-'));
    for (const entry of fs.readdirSync(BUNDLE_DIR))
      if (entry !== 'manifest.json') fs.symlinkSync(path.join(BUNDLE_DIR, entry), path.join(sizeless, entry));
    const stripped = structuredClone(manifest);
    for (const c of Object.values(stripped.components)) delete c.bytes;
    fs.writeFileSync(path.join(sizeless, 'manifest.json'), JSON.stringify(stripped));
    server = await startStaticServer({
      mounts: { '/r/': RECEIVER_WEB_DIST, '/bundle/': BUNDLE_DIR, '/sizeless/': sizeless },
    });
    browser = await launchChromium();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (sizeless) fs.rmSync(sizeless, { recursive: true, force: true });
  });

  /** Opens the page, waits for 'failed', returns its detail and the model files it fetched. */
  async function refusal(query: string): Promise<{ detail: string; errors: string[]; onnx: string[] }> {
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    const onnx: string[] = [];
    page.on('request', (r) => {
      if (/\.onnx(_data)?$/.test(new URL(r.url()).pathname)) onnx.push(new URL(r.url()).pathname);
    });
    try {
      await page.goto(`${server.url}/r/?join=TEST42&${query}`);
      await page.waitForFunction(
        () => {
          const s = (window as unknown as { __receiver?: { state: string } }).__receiver?.state;
          return s === 'failed' || s === 'connecting' || s === 'ready';
        },
        undefined,
        { timeout: TIMEOUT_MS },
      );
      const obs = await page.evaluate(
        () =>
          (window as unknown as { __receiver: { state: string; detail: string; errors: string[] } })
            .__receiver,
      );
      expect(obs.state).toBe('failed');
      return { detail: obs.detail, errors: obs.errors, onnx };
    } finally {
      await context.close();
    }
  }

  test(
    'a configured limit below the model: refused before any model file is downloaded',
    async () => {
      const r = await refusal('memoryLimitMb=32');
      expect(r.detail).toMatch(/^ModelMemoryError: model .* needs about \d+ MB/);
      expect(r.detail).toContain(`model ${manifest.name}`);
      expect(r.detail).toContain(`${Math.round(modelBytes / MiB)} MB of ONNX files`);
      expect(r.detail).toContain('configured memoryLimitMb=32');
      expect(r.detail).toContain('raise memoryLimitMb');
      expect(r.errors.some((e) => e.includes('ModelMemoryError'))).toBe(true);
      expect(r.onnx).toEqual([]);
    },
    TIMEOUT_MS,
  );

  test(
    'a manifest without sizes: refused as the files arrive, at the file that passes the limit',
    async () => {
      // Between the need of the first file alone and that of all the files.
      const files = Object.values(manifest.components).map((c) => c.bytes!);
      const limitMb = Math.ceil(modelMemoryNeed(Math.max(...files)) / MiB) + 1;
      expect(modelMemoryNeed(modelBytes)).toBeGreaterThan(limitMb * MiB);
      const r = await refusal(`memoryLimitMb=${limitMb}&bundle=/sizeless/`);
      expect(r.detail).toMatch(
        /^ModelMemoryError: the model \(.+\.onnx and the files before it\) needs about/,
      );
      expect(r.detail).toContain(`configured memoryLimitMb=${limitMb}`);
      // Some files were read, not all of them.
      expect(r.onnx.length).toBeGreaterThan(0);
      expect(r.onnx.length).toBeLessThan(files.length);
    },
    TIMEOUT_MS,
  );

  test(
    "a bad memoryLimitMb is refused naming the parameter; the device's own budget loads the model",
    async () => {
      const bad = await refusal('memoryLimitMb=lots');
      expect(bad.detail).toContain("URL parameter 'memoryLimitMb' must be a number of MiB > 0, got 'lots'");
      // No limit configured: navigator.deviceMemory (or wasm32) gives the budget, and this
      // small bundle fits: the page gets past loading to joining (no coordinator here).
      const context = await browser.newContext();
      const page = await context.newPage();
      try {
        await page.goto(`${server.url}/r/?join=TEST42`);
        await page.waitForFunction(
          () =>
            ['connecting', 'disconnected', 'ready', 'failed'].includes(
              (window as unknown as { __receiver?: { state: string } }).__receiver?.state ?? '',
            ),
          undefined,
          { timeout: TIMEOUT_MS },
        );
        const obs = await page.evaluate(
          () => (window as unknown as { __receiver: { state: string; backend: string | null } }).__receiver,
        );
        expect(obs.state).not.toBe('failed');
        expect(obs.backend).toBe('wasm');
      } finally {
        await context.close();
      }
    },
    TIMEOUT_MS,
  );
});
