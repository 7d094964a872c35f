/**
 * Phone-class emulation for browser benchmarks, through the DevTools protocol: CPU
 * throttling (`Emulation.setCPUThrottlingRate`: the renderer's main thread runs `rate`×
 * slower) and a phone's viewport. The throttling is set on the page's target, i.e. its main
 * thread; whether Chromium also slows the page's dedicated workers (an inference worker,
 * onnxruntime-web's wasm threads) is not assumed: the browser benchmark runs ORT both on the
 * main thread with one thread and in its worker, so the figures show it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** A mid-range phone's CSS viewport (390×844 at 3×, touch, mobile user agent kept). */
export const PHONE_VIEWPORT = { width: 390, height: 844, deviceScaleFactor: 3 } as const;

export interface PhoneOptions {
  /** CPU slow-down factor (1 = none; DevTools offers 4 and 6 for mid- and low-tier phones). */
  cpuRate?: number;
  /** Emulate a phone viewport (mobile layout, touch); default true. */
  mobile?: boolean;
}

/** A new context (phone viewport unless `mobile: false`) and page, CPU throttled by `cpuRate`. */
export async function newPhonePage(
  browser: Browser,
  { cpuRate = 1, mobile = true }: PhoneOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  if (!(Number.isFinite(cpuRate) && cpuRate >= 1))
    throw new TypeError(`newPhonePage: cpuRate must be a number >= 1, got ${cpuRate}`);
  const context = await browser.newContext(
    mobile
      ? {
          viewport: PHONE_VIEWPORT,
          deviceScaleFactor: PHONE_VIEWPORT.deviceScaleFactor,
          isMobile: true,
          hasTouch: true,
        }
      : {},
  );
  const page = await context.newPage();
  if (cpuRate > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
  }
  return { context, page };
}
