/**
 * The receiver page as a phone uses it, for end-to-end tests: join a lab's coordinator with its
 * join code and wait until the page is ready, and read back what the page drew.
 */
import type { Page } from 'playwright-core';
import type { CoordinatorHandle } from '@semaigc/coordinator';

/** Opens /r/?join=<code>, waits for the page's `ready` state and returns its node id. */
export async function joinReceiverPage(
  page: Page,
  coordinator: Pick<CoordinatorHandle, 'url' | 'joinCode'>,
  timeoutMs: number,
): Promise<string> {
  await page.goto(`${coordinator.url}/r/?join=${coordinator.joinCode}`);
  await page.waitForFunction(
    () => (window as unknown as { __receiver?: { state: string } }).__receiver?.state === 'ready',
    undefined,
    { timeout: timeoutMs },
  );
  return page.evaluate(() => (window as unknown as { __receiver: { nodeId: string } }).__receiver.nodeId);
}

/** The page canvas's width and number of distinct colours (a blank image has one). */
export async function canvasStats(page: Page): Promise<{ width: number; distinct: number }> {
  return page.evaluate(() => {
    const c = document.querySelector('canvas');
    if (!c) return { width: 0, distinct: 0 };
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
    return { width: c.width, distinct: seen.size };
  });
}
