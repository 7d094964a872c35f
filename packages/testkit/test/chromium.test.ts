import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasChromium, launchChromium, BrowserLaunchError } from '@semaigc/testkit';

const maybe = hasChromium() ? describe : describe.skip;
if (!hasChromium())
  process.stderr.write('chromium.test: skipped, /usr/bin/chromium not installed (scripts/setup.sh)\n');

maybe('launchChromium', () => {
  test('renders a page served from a loopback server', async () => {
    const server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<title>kit</title><p id="x">hello</p><script>document.title = "ran:" + (1 + 2)</script>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      expect(await page.title()).toBe('ran:3');
      expect(await page.textContent('#x')).toBe('hello');
    } finally {
      await browser.close();
      server.close();
    }
  });
});

test('a missing executable gives a clear error', async () => {
  await expect(launchChromium({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(
    BrowserLaunchError,
  );
});
