/**
 * `npx tsx scripts/screenshots.ts`: screenshots of the real lab for the docs. Starts a
 * private nats-server, the coordinator, an edge and two headless receivers on the default
 * bundle, opens the receiver page in headless Chromium as a phone would, runs a short trial
 * over an SNR sweep, and saves apps/coordinator/docs/dashboard.png and
 * apps/receiver-web/docs/receiver-lab.png.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCoordinator } from '@semaigc/coordinator';
import { startEdge } from '@semaigc/edge';
import { createLogger, loadNodePipeline, startNatsServer } from '@semaigc/node-kit';
import { startReceivers } from '@semaigc/receiver-node';
import { launchChromium } from '@semaigc/testkit';

const REPO = path.join(__dirname, '..');

async function main(): Promise<void> {
  const logger = createLogger('shots', 'silent');
  const nats = await startNatsServer();
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-shots-'));
  const coordinator = await startCoordinator({
    natsUrl: nats.url,
    runsDir,
    webRoot: path.join(REPO, 'apps/receiver-web/dist'),
    logger,
  });
  const pipeline = await loadNodePipeline();
  const edge = await startEdge({ natsUrl: nats.url, id: 'edge-0', pipeline, logger });
  const rx = await startReceivers({ natsUrl: nats.url, count: 2, idPrefix: 'rx', pipeline, logger });
  const browser = await launchChromium();
  try {
    const phone = await browser.newPage({ viewport: { width: 412, height: 915 }, deviceScaleFactor: 2 });
    await phone.goto(`${coordinator.url}/r/?join=${coordinator.joinCode}`);
    await phone.waitForFunction(
      () => (window as unknown as { __receiver?: { state: string } }).__receiver?.state === 'ready',
      undefined,
      { timeout: 120_000 },
    );
    const phoneId = await phone.evaluate(
      () => (window as unknown as { __receiver: { nodeId: string } }).__receiver.nodeId,
    );
    const dash = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await dash.goto(coordinator.dashboardUrl);
    await coordinator.runTrial({
      name: 'docs-sweep',
      prompts: { generator: 'grammar', seed: 11, count: 24 },
      policy: { kind: 'fixed', edgeSteps: 10 },
      channel: { mode: 'analog', link: { bandwidthHz: 50e3, emulate: true } },
      snr: { kind: 'sweep', valuesDb: [-6, -3, 0, 3, 6, 9, 12, 15] },
      requestsPerReceiver: 8,
      receivers: { ids: [...rx.ids, phoneId], waitS: 20 },
      latency: { minS: 0.5, maxS: 2, failureS: 20 },
      computeReference: true,
    });
    await new Promise((r) => setTimeout(r, 1500));
    await dash.screenshot({ path: path.join(REPO, 'apps/coordinator/docs/dashboard.png'), fullPage: true });
    await phone.screenshot({
      path: path.join(REPO, 'apps/receiver-web/docs/receiver-lab.png'),
      fullPage: true,
    });
    process.stdout.write(
      'wrote apps/coordinator/docs/dashboard.png and apps/receiver-web/docs/receiver-lab.png\n',
    );
  } finally {
    await browser.close();
    await rx.close();
    await edge.close();
    await pipeline.release();
    await coordinator.close();
    await nats.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
