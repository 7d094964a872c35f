/**
 * Fault: the dashboard opened without its token. The page opened at the URL the lab prints
 * (`/dashboard/#token=…`) goes live and shows the join code and its QR; the same page
 * without the fragment is refused by the stream, says so, and never shows the join code.
 * Real coordinator, real Chromium; needs `npm run build` (the dashboard's dist/web).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCoordinator } from '@semaigc/coordinator';
import { hasChromium, launchChromium, startNatsServer } from '@semaigc/testkit';
import { quiet } from '../helpers/lab';

const maybe = hasChromium() ? test : test.skip;

maybe(
  'the dashboard needs the token from its URL; without it the stream is refused',
  async () => {
    const nats = await startNatsServer({ jetstream: false });
    const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-fault-dash-'));
    const c = await startCoordinator({ natsUrl: nats.url, runsDir, logger: quiet });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(c.dashboardUrl);
      await page.waitForFunction(() => document.getElementById('connection')?.textContent === 'live', null, {
        timeout: 15_000,
      });
      await page.waitForFunction(
        () => (document.getElementById('join-qr') as HTMLImageElement).src.startsWith('blob:'),
        null,
        { timeout: 15_000 },
      );
      expect(await page.textContent('#join-code')).toBe(c.joinCode);

      const anonymous = await browser.newPage();
      await anonymous.goto(`${c.url}/dashboard/`);
      await anonymous.waitForFunction(
        () => document.getElementById('connection')?.textContent?.startsWith('refused'),
        null,
        { timeout: 15_000 },
      );
      expect(await anonymous.textContent('#join-code')).not.toContain(c.joinCode);
    } finally {
      await browser.close();
      await c.close();
      await nats.stop();
      fs.rmSync(runsDir, { recursive: true, force: true });
    }
  },
  60_000,
);
