/**
 * Launches Debian's Chromium headless through playwright-core for browser tests. The flags
 * keep Chromium off the network (this machine has none, and refused connections slow it
 * down) and let it run as root in a container.
 */
import * as fs from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { BrowserLaunchError } from './errors';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
export const DEFAULT_CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface ChromiumOptions {
  /** Executable (default CHROMIUM_PATH env or /usr/bin/chromium). */
  executablePath?: string;
  /** Extra flags appended to DEFAULT_CHROMIUM_ARGS. */
  args?: string[];
  timeoutMs?: number;
}

export function chromiumPath(options: ChromiumOptions = {}): string {
  return options.executablePath ?? process.env['CHROMIUM_PATH'] ?? DEFAULT_CHROMIUM_PATH;
}

/** True when the Chromium executable exists (tests can skip with a reason otherwise). */
export function hasChromium(options: ChromiumOptions = {}): boolean {
  return fs.existsSync(chromiumPath(options));
}

export async function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  const executablePath = chromiumPath(options);
  if (!fs.existsSync(executablePath)) {
    throw new BrowserLaunchError(`Chromium not found at ${executablePath} (run scripts/setup.sh)`);
  }
  const launch: LaunchOptions = {
    executablePath,
    headless: true,
    args: [...DEFAULT_CHROMIUM_ARGS, ...(options.args ?? [])],
    timeout: options.timeoutMs ?? 30_000,
  };
  try {
    return await chromium.launch(launch);
  } catch (err) {
    throw new BrowserLaunchError(
      `Chromium failed to launch: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
}
