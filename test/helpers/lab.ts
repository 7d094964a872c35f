/**
 * Pieces of a real lab for end-to-end tests: a private nats-server, the coordinator on port
 * 0, and (optionally) in-process edges and headless receivers sharing one pipeline, all on
 * the real bundle.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCoordinator, type CoordinatorHandle } from '@semaigc/coordinator';
import type { SplitPipeline } from '@semaigc/diffusion';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';
import { createLogger, loadNodePipeline } from '@semaigc/node-kit';
import { startNatsServer, type NatsServer } from '@semaigc/testkit';

export const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;
export const REPO = path.join(__dirname, '..', '..');
export const CLI = path.join(REPO, 'apps', 'cli', 'dist', 'main.js');
export const quiet = createLogger('test', process.env['SEMAIGC_LOG_LEVEL'] ?? 'silent');

export interface Lab {
  nats: NatsServer;
  coordinator: CoordinatorHandle;
  pipeline: SplitPipeline;
  runsDir: string;
  close(): Promise<void>;
}

export async function startLab(
  opts: { webRoot?: string; heartbeatIntervalMs?: number; nodeTimeoutMs?: number; bundleDir?: string } = {},
): Promise<Lab> {
  const bundleDir = opts.bundleDir ?? BUNDLE_DIR;
  const nats = await startNatsServer();
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-runs-'));
  const coordinator = await startCoordinator({
    natsUrl: nats.url,
    runsDir,
    bundleDir,
    logger: quiet,
    ...(opts.webRoot ? { webRoot: opts.webRoot } : {}),
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 250,
    nodeTimeoutMs: opts.nodeTimeoutMs ?? 1000,
  });
  const pipeline = await loadNodePipeline({ bundleDir });
  return {
    nats,
    coordinator,
    pipeline,
    runsDir,
    async close() {
      await coordinator.close();
      await pipeline.release();
      await nats.stop();
      fs.rmSync(runsDir, { recursive: true, force: true });
    },
  };
}

export function readJsonl(file: string): unknown[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);
}
