/**
 * A real lab for trials with WebRTC delivery: a private nats-server, the coordinator (its SFU
 * on the same address as its HTTP server), one in-process edge on the real bundle, and the
 * receiver page in headless Chromium, joined as a phone would. With `link`, Chromium runs
 * inside the shaped link's network namespace and the coordinator (HTTP, socket.io and SFU)
 * listens on the link's host side, so everything toward the page crosses the tbf bottleneck.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCoordinator, type CoordinatorHandle, type CoordinatorOptions } from '@semaigc/coordinator';
import { startEdge } from '@semaigc/edge';
import { loadNodePipeline } from '@semaigc/node-kit';
import type { RecordMessage } from '@semaigc/protocol';
import type { ShapedLink } from '@semaigc/sfu';
import { chromiumPath, launchChromium, startNatsServer } from '@semaigc/testkit';
import type { Browser, Page } from 'playwright-core';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from '../../apps/receiver-web/test/helpers/ensure-built';
import { BUNDLE_DIR, quiet, readJsonl } from './lab';
import { joinReceiverPage } from './page-receiver';

export interface WebRtcLab {
  coordinator: CoordinatorHandle;
  page: Page;
  nodeId: string;
  /** The records of a trial, as written to runs/<trial>/records.jsonl. */
  records(trialId: string): RecordMessage[];
  /** What the page counted (window.__receiver.delivery). */
  pageTally(): Promise<{
    state: string;
    reason: string | null;
    payloads: number;
    packetsReceived: number;
    packetsLost: number;
  } | null>;
  close(): Promise<void>;
}

export async function startWebRtcLab(
  o: { link?: ShapedLink; pageQuery?: string; sfu?: CoordinatorOptions['sfu'] } = {},
): Promise<WebRtcLab> {
  await ensureReceiverWebBuilt();
  const host = o.link?.hostIp ?? '127.0.0.1';
  const closers: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const nats = await startNatsServer();
    closers.push(() => nats.stop());
    const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-webrtc-runs-'));
    closers.push(() => Promise.resolve(fs.rmSync(runsDir, { recursive: true, force: true })));
    const coordinator = await startCoordinator({
      natsUrl: nats.url,
      host,
      runsDir,
      bundleDir: BUNDLE_DIR,
      webRoot: RECEIVER_WEB_DIST,
      logger: quiet,
      heartbeatIntervalMs: 250,
      nodeTimeoutMs: 3000,
      sfu: { listenIp: host, ...o.sfu },
      // A loaded CI machine may take longer than the default 5 s to open the page's path.
      webrtcWaitMs: 30_000,
    });
    closers.push(() => coordinator.close());
    const pipeline = await loadNodePipeline({ bundleDir: BUNDLE_DIR });
    closers.push(() => pipeline.release());
    const edge = await startEdge({ natsUrl: nats.url, id: 'edge-rtc', pipeline, logger: quiet });
    closers.push(() => edge.close());
    const browser: Browser = await launchChromium(
      o.link
        ? {
            executablePath: o.link.wrap(chromiumPath()),
            // The page's origin is http://<host side>:port, not localhost: treat it as secure.
            args: [`--unsafely-treat-insecure-origin-as-secure=${coordinator.url}`],
          }
        : // Chromium leaves loopback out of ICE unless told; the SFU listens on 127.0.0.1 here.
          { args: ['--allow-loopback-in-peer-connection'] },
    );
    closers.push(() => browser.close());
    const page = await browser.newPage();
    if (process.env['SEMAIGC_DEBUG_RTC'])
      page.on('console', (m) => process.stderr.write(`page: ${m.text()}\n`));
    const joinAt = o.pageQuery
      ? { url: coordinator.url, joinCode: `${coordinator.joinCode}&${o.pageQuery}` }
      : coordinator;
    const nodeId = await joinReceiverPage(page, joinAt, 120_000);
    return {
      coordinator,
      page,
      nodeId,
      records(trialId) {
        const dir = coordinator.trials().find((t) => t.trialId === trialId)!.runDir!;
        return readJsonl(path.join(dir, 'records.jsonl')) as RecordMessage[];
      },
      pageTally: () =>
        page.evaluate(() => {
          const d = (window as unknown as { __receiver?: { delivery?: unknown } }).__receiver?.delivery;
          return (d ?? null) as never;
        }),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
