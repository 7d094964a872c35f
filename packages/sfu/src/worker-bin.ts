/**
 * Where the mediasoup worker binary is. mediasoup's own postinstall (a download from GitHub,
 * then a pip-based build) cannot run offline, so the project builds the worker with
 * scripts/mediasoup/build-worker.sh and caches it by version; this finds it:
 *   1. MEDIASOUP_WORKER_BIN (mediasoup's own variable), when set;
 *   2. <SEMAIGC_CACHE or ~/.cache/semaigc>/mediasoup/<mediasoup version>/mediasoup-worker;
 *   3. mediasoup's default location inside node_modules (where its postinstall puts a worker).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { version as mediasoupVersion, workerBin as mediasoupDefaultBin } from 'mediasoup';
import { WorkerBinNotFoundError } from './errors';

export function cachedWorkerBin(env: NodeJS.ProcessEnv = process.env, version = mediasoupVersion): string {
  const root = env['SEMAIGC_CACHE'] || path.join(os.homedir(), '.cache', 'semaigc');
  return path.join(root, 'mediasoup', version, 'mediasoup-worker');
}

export function resolveWorkerBin(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['MEDIASOUP_WORKER_BIN'];
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) {
      throw new WorkerBinNotFoundError(
        `MEDIASOUP_WORKER_BIN=${fromEnv} does not exist (build it with scripts/mediasoup/build-worker.sh)`,
      );
    }
    return fromEnv;
  }
  const candidates = [cachedWorkerBin(env), mediasoupDefaultBin];
  const found = candidates.find((p) => fs.existsSync(p));
  if (found) return found;
  throw new WorkerBinNotFoundError(
    `no mediasoup ${mediasoupVersion} worker at ${candidates.join(' or ')}: run scripts/setup.sh ` +
      'or scripts/mediasoup/build-worker.sh, or set MEDIASOUP_WORKER_BIN',
  );
}
