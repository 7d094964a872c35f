/**
 * Same seed → bit-identical channel output in the browser build too: the channel package's
 * golden cases are bundled for the browser (esbuild, IIFE), run in headless Chromium and
 * compared with the same golden.json the Node test uses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { hasChromium, launchChromium } from '@semaigc/testkit';

const root = path.join(__dirname, '..');
const golden = JSON.parse(
  fs.readFileSync(path.join(root, 'packages/channel/test/golden.json'), 'utf8'),
) as Record<string, unknown>;

const maybe = hasChromium() ? test : test.skip;
if (!hasChromium()) process.stderr.write('channel-browser.test: skipped, /usr/bin/chromium not installed\n');

maybe(
  'golden channel cases give the same bits in Chromium as in Node',
  async () => {
    const out = await build({
      stdin: {
        contents:
          "import { GOLDEN_CASES, runGoldenCase } from './packages/channel/test/golden-cases';\n" +
          'globalThis.__golden = Object.fromEntries(GOLDEN_CASES.map((c) => [c.name, runGoldenCase(c)]));\n',
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
      alias: { '@semaigc/protocol': path.join(root, 'packages/protocol/src/index.ts') },
      logLevel: 'silent',
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><title>golden</title>');
      await page.addScriptTag({ content: out.outputFiles[0]!.text });
      const got = await page.evaluate(() => (globalThis as unknown as { __golden: unknown }).__golden);
      expect(got).toEqual(golden);
    } finally {
      await browser.close();
    }
  },
  60_000,
);
