/**
 * The built page is minified, and a minifier renames classes: without the build's
 * `keepNames` a user read "nh: URL parameter …" instead of the error's class. Real errors
 * from the built page in headless Chromium must show their real class names: the page's own
 * (PageConfigError, ModelMemoryError) and a workspace package's (@semaigc/diffusion's
 * BundleError), each thrown by the running page, not constructed by the test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';
import { hasChromium, launchChromium } from '@semaigc/testkit';
import { startStaticServer, type StaticServer } from '../../../test/helpers/static-server';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from './helpers/ensure-built';

const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;
const TIMEOUT_MS = 120_000;

const maybe = hasChromium() ? describe : describe.skip;
if (!hasChromium()) process.stderr.write('error-names.test: skipped, Chromium is not installed\n');

maybe('error names in the built page (headless Chromium)', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureReceiverWebBuilt();
    server = await startStaticServer({ mounts: { '/r/': RECEIVER_WEB_DIST, '/bundle/': BUNDLE_DIR } });
    browser = await launchChromium();
  }, TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the page with `query` and returns the detail of its 'failed' state. */
  async function failure(query: string): Promise<string> {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}/r/?${query}`);
      await page.waitForFunction(
        () => (window as unknown as { __receiver?: { state: string } }).__receiver?.state === 'failed',
        undefined,
        { timeout: TIMEOUT_MS },
      );
      return await page.evaluate(
        () => (window as unknown as { __receiver: { detail: string } }).__receiver.detail,
      );
    } finally {
      await context.close();
    }
  }

  test('the page is the minified build (class names are not in it by accident)', () => {
    const assets = path.join(RECEIVER_WEB_DIST, 'assets');
    const js = fs.readdirSync(assets).filter((f) => /^load-pipeline-.*\.js$/.test(f));
    expect(js).toHaveLength(1);
    const text = fs.readFileSync(path.join(assets, js[0]!), 'utf8');
    // Minified: few, very long lines.
    expect(text.length / text.split('\n').length).toBeGreaterThan(1000);
  });

  test(
    "the page's own errors: PageConfigError and ModelMemoryError",
    async () => {
      expect(await failure('join=TEST42&threads=0')).toMatch(
        /^PageConfigError: URL parameter 'threads' must be an integer/,
      );
      expect(await failure('join=TEST42&memoryLimitMb=32')).toMatch(
        /^ModelMemoryError: model .* needs about/,
      );
    },
    TIMEOUT_MS,
  );

  test(
    "a workspace package's error: BundleError for a bundle URL that is not there",
    async () => {
      expect(await failure('join=TEST42&bundle=/no-bundle-here/')).toMatch(
        /^BundleError: .*\/no-bundle-here: neither manifest\.json .* can be read/,
      );
    },
    TIMEOUT_MS,
  );
});
