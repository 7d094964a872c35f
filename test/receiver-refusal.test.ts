/**
 * A receiver page that cannot hold the model tells the lab: in headless Chromium against the
 * real coordinator (nats-server, socket.io hub), the page opened with a memory limit below
 * the bundle's need refuses the model, sends a MODEL_TOO_LARGE fault with its node id and
 * both figures, and the coordinator logs it, counts it in its metrics and pushes it to the
 * dashboard stream, without registering the node. A page with a wrong join code is not
 * believed: its refusal is dropped as UNAUTHORIZED.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { startCoordinator, type CoordinatorHandle, type CoordinatorMetrics } from '@semaigc/coordinator';
import { hasChromium, launchChromium, startNatsServer, type NatsServer } from '@semaigc/testkit';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from '../apps/receiver-web/test/helpers/ensure-built';
import { BUNDLE_DIR } from './helpers/lab';

const TIMEOUT_MS = 120_000;
const WAIT_MS = 60_000;

interface LogLine {
  msg: string;
  nodeId?: string;
  code?: string;
  reason?: string;
}

interface PageRefusal {
  state: string;
  detail: string;
  nodeId: string;
  refusal: { code: string; reported: boolean; detail: string } | null;
}

async function until(ok: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const maybe = hasChromium() ? describe : describe.skip;
if (!hasChromium()) process.stderr.write('receiver-refusal.test: skipped, Chromium is not installed\n');

maybe('a receiver page that refuses the model (headless Chromium, real coordinator)', () => {
  let nats: NatsServer;
  let coord: CoordinatorHandle;
  let browser: Browser;
  let dashboard: Socket;
  let runsDir: string;
  const lines: LogLine[] = [];
  const pushed: CoordinatorMetrics[] = [];

  beforeAll(async () => {
    await ensureReceiverWebBuilt();
    nats = await startNatsServer({ jetstream: false });
    runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-refusal-'));
    const logger = pino(
      { level: 'info' },
      { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
    );
    coord = await startCoordinator({
      natsUrl: nats.url,
      runsDir,
      bundleDir: BUNDLE_DIR,
      webRoot: RECEIVER_WEB_DIST,
      joinCode: 'MEM234',
      logger,
    });
    // The dashboard's stream, as the dashboard page receives it.
    dashboard = io(coord.url, { auth: { token: coord.apiToken }, transports: ['websocket'] });
    dashboard.on('metrics', (m: CoordinatorMetrics) => void pushed.push(m));
    await new Promise<void>((resolve) => dashboard.emit('dashboard', () => resolve()));
    browser = await launchChromium();
  }, TIMEOUT_MS);

  afterAll(async () => {
    dashboard?.disconnect();
    await browser?.close();
    await coord?.close();
    await nats?.stop();
    if (runsDir) fs.rmSync(runsDir, { recursive: true, force: true });
  });

  /** Opens the page with a 32 MiB memory limit and waits until it has tried to report. */
  async function refuse(join: string): Promise<PageRefusal> {
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    try {
      await page.goto(`${coord.url}/r/?join=${join}&memoryLimitMb=32`);
      await page.waitForFunction(
        () => {
          const r = (window as unknown as { __receiver?: PageRefusal }).__receiver?.refusal;
          return r !== undefined && r !== null && r.detail !== 'reporting';
        },
        undefined,
        { timeout: WAIT_MS },
      );
      return await page.evaluate(() => (window as unknown as { __receiver: PageRefusal }).__receiver);
    } finally {
      await context.close();
    }
  }

  test(
    'the refusal reaches the coordinator: logged, in the metrics, pushed to dashboards; the node is not registered',
    async () => {
      const obs = await refuse('MEM234');
      expect(obs.state).toBe('failed');
      expect(obs.detail).toMatch(/^ModelMemoryError: model .* needs about \d+ MB/);
      expect(obs.refusal).toEqual({
        code: 'MODEL_TOO_LARGE',
        reported: true,
        detail: 'acknowledged by the coordinator',
      });

      await until(() => coord.metrics.refused.byNode[obs.nodeId] !== undefined, 'the refusal in the metrics');
      const r = coord.metrics.refused.byNode[obs.nodeId]!;
      expect(r.code).toBe('MODEL_TOO_LARGE');
      expect(r.reason).toContain('needs about');
      expect(r.reason).toContain('configured memoryLimitMb=32');
      const logged = lines.find((l) => l.msg === 'node refused to serve' && l.nodeId === obs.nodeId);
      expect(logged).toMatchObject({ code: 'MODEL_TOO_LARGE' });
      await until(
        () => pushed.some((m) => m.refused.byNode[obs.nodeId]?.code === 'MODEL_TOO_LARGE'),
        'the refusal pushed to the dashboard stream',
      );
      // It never said hello: nothing is routed to it.
      expect(coord.registry.get(obs.nodeId)).toBeUndefined();
    },
    TIMEOUT_MS,
  );

  test(
    'a refusal with a wrong join code is dropped as UNAUTHORIZED, not shown',
    async () => {
      const before = coord.metrics.dropped.byCode['UNAUTHORIZED'] ?? 0;
      const obs = await refuse('WRONG9');
      // The coordinator took the fault (acknowledged it) and does not believe it.
      expect(obs.refusal?.reported).toBe(true);
      await until(
        () => (coord.metrics.dropped.byCode['UNAUTHORIZED'] ?? 0) > before,
        'the refusal dropped as UNAUTHORIZED',
      );
      expect(coord.metrics.refused.byNode[obs.nodeId]).toBeUndefined();
    },
    TIMEOUT_MS,
  );
});
