/**
 * Phone-class emulation for browser benchmarks, through the DevTools protocol: CPU
 * throttling (`Emulation.setCPUThrottlingRate`: the renderer's main thread runs `rate`×
 * slower) and a phone's viewport. The throttling is set on the page's target, i.e. its main
 * thread. With `workers: true` the page's dedicated workers are attached as they start
 * (`Target.setAutoAttach`) and asked for the same rate; Chromium 156 refuses that ("only
 * supported for pages, not workers"), and `workerThrottling` records each answer, so the
 * browser benchmark says what was throttled instead of assuming it.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';

/** A mid-range phone's CSS viewport (390×844 at 3×, touch, mobile user agent kept). */
export const PHONE_VIEWPORT = { width: 390, height: 844, deviceScaleFactor: 3 } as const;

export interface PhoneOptions {
  /** CPU slow-down factor (1 = none; DevTools offers 4 and 6 for mid- and low-tier phones). */
  cpuRate?: number;
  /** Emulate a phone viewport (mobile layout, touch); default true. */
  mobile?: boolean;
  /** Also ask each dedicated worker the page starts for the same CPU rate. */
  workers?: boolean;
}

/** What became of asking the page's workers for the CPU rate. */
export interface WorkerThrottling {
  /** Worker targets attached (their URLs). */
  attached: string[];
  /** Workers that accepted the rate. */
  throttled: number;
  /** Chromium's refusals, verbatim. */
  refused: string[];
}

interface AttachedEvent {
  sessionId: string;
  targetInfo: { type: string; url: string };
}

/**
 * Attaches the page's workers as they start (the non-flattened protocol, so the commands go
 * through this session) and sends each `Emulation.setCPUThrottlingRate`.
 */
async function throttleWorkers(cdp: CDPSession, rate: number): Promise<WorkerThrottling> {
  const log: WorkerThrottling = { attached: [], throttled: 0, refused: [] };
  let nextId = 1;
  const asked = new Set<number>();
  cdp.on('Target.attachedToTarget', (ev: AttachedEvent) => {
    log.attached.push(ev.targetInfo.url);
    const id = nextId++;
    asked.add(id);
    const message = JSON.stringify({ id, method: 'Emulation.setCPUThrottlingRate', params: { rate } });
    cdp.send('Target.sendMessageToTarget', { sessionId: ev.sessionId, message }).catch((err: unknown) => {
      log.refused.push(err instanceof Error ? err.message : String(err));
    });
  });
  cdp.on('Target.receivedMessageFromTarget', (ev: { message: string }) => {
    const reply = JSON.parse(ev.message) as { id?: number; error?: { message: string } };
    if (reply.id === undefined || !asked.delete(reply.id)) return;
    if (reply.error) log.refused.push(reply.error.message);
    else log.throttled++;
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return log;
}

/**
 * A new context (phone viewport unless `mobile: false`) and page, CPU throttled by `cpuRate`;
 * `workerThrottling` is filled as workers start when `workers` was asked (else null).
 */
export async function newPhonePage(
  browser: Browser,
  { cpuRate = 1, mobile = true, workers = false }: PhoneOptions = {},
): Promise<{ context: BrowserContext; page: Page; workerThrottling: WorkerThrottling | null }> {
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
  let workerThrottling: WorkerThrottling | null = null;
  if (cpuRate > 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
    if (workers) workerThrottling = await throttleWorkers(cdp, cpuRate);
  }
  return { context, page, workerThrottling };
}
