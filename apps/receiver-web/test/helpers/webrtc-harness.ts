/**
 * Harness for the WebRTC latent tests and the webrtc bench: a real SFU (mediasoup worker), a
 * headless Chromium page running the receiver page's WebRtcLatentChannel (bundled with esbuild
 * from the page's sources), the signalling between them, and sending/collecting latents.
 * With `link`, Chromium runs inside the shaped link's network namespace and the SFU listens on
 * the link's host side, so every packet crosses the tbf bottleneck.
 */
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { type DeliveryMode, type Sfu, type ShapedLink, createSfu } from '@semaigc/sfu';
import { chromiumPath, launchChromium } from '@semaigc/testkit';
import type { CollectedPayload, RtcPageApi } from './webrtc-page';

const bundled = new Map<string, Promise<string>>();
/** The page script `entry` (a file in this directory) bundled for the browser, built once. */
export function bundlePageScript(entry: string): Promise<string> {
  let script = bundled.get(entry);
  script ??= esbuild
    .build({
      entryPoints: [path.join(__dirname, entry)],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      write: false,
      logLevel: 'silent',
      tsconfig: path.join(__dirname, '..', '..', 'tsconfig.json'),
    })
    .then((r) => r.outputFiles[0]!.text);
  bundled.set(entry, script);
  return script;
}

export interface RtcHarness {
  sfu: Sfu;
  browser: Browser;
  page: Page;
  receiverId: string;
  /** Sends `latent`; the page collects it; returns both sides. */
  roundTrip(
    latent: Float32Array,
    quietMs?: number,
  ): Promise<{ sent: ReturnType<Sfu['sendLatent']>; got: CollectedPayload }>;
  pageCounts(): Promise<ReturnType<RtcPageApi['counts']>>;
  close(): Promise<void>;
}

export async function startRtcHarness(
  mode: DeliveryMode,
  link?: ShapedLink,
  packetBytes?: number,
): Promise<RtcHarness> {
  const receiverId = `page-${mode}`;
  const sfu = await createSfu({
    listenIp: link?.hostIp ?? '127.0.0.1',
    logLevel: 'error',
    ...(packetBytes ? { packetBytes } : {}),
  });
  let browser: Browser | null = null;
  try {
    browser = await launchChromium(
      link
        ? { executablePath: link.wrap(chromiumPath()) }
        : // Chromium leaves loopback out of ICE unless told; the SFU listens on 127.0.0.1 here.
          { args: ['--allow-loopback-in-peer-connection'] },
    );
    const page = await browser.newPage();
    if (process.env['SEMAIGC_DEBUG_RTC']) {
      page.on('crash', () => process.stderr.write('webrtc harness: page crashed\n'));
      page.on('console', (m) => process.stderr.write(`page: ${m.text()}\n`));
    }
    await page.exposeFunction('__sfuConnect', (dtls: unknown) =>
      sfu.connectReceiver(receiverId, dtls as Parameters<Sfu['connectReceiver']>[1]),
    );
    await page.setContent('<!doctype html><title>webrtc latents</title>');
    await page.addScriptTag({ content: await bundlePageScript('webrtc-page.ts') });
    const params = await sfu.openReceiver(receiverId, mode);
    const offer = { ...params, routerRtpCapabilities: sfu.routerRtpCapabilities };
    const opened = await page.evaluate((o) => window.__rtc.open(o as never), offer);
    if (opened !== mode) throw new Error(`page opened a ${opened} channel, ${mode} asked`);
    await sfu.whenConnected(receiverId);
    const b = browser;
    return {
      sfu,
      browser: b,
      page,
      receiverId,
      async roundTrip(latent, quietMs = 400) {
        const sent = sfu.sendLatent(receiverId, latent);
        const got = await page.evaluate(([id, n, k, q]) => window.__rtc.collect(id, n, k, q), [
          sent.payloadId,
          latent.length,
          sent.packets,
          quietMs,
        ] as const);
        return { sent, got };
      },
      pageCounts: () => page.evaluate(() => window.__rtc.counts()),
      async close() {
        await b.close();
        sfu.close();
      },
    };
  } catch (err) {
    await browser?.close();
    sfu.close();
    throw err;
  }
}
