/**
 * Browser tests need apps/receiver-web/dist. scripts/setup.sh builds it; when it is missing,
 * or older than any source the page is built from (so a test never runs yesterday's page),
 * this runs the Vite build once. About 5 s on the 2-core dev machine. Jest runs test files
 * in parallel workers, so the build holds a lock directory: a second caller waits for the
 * first build instead of emptying dist/ under it.
 */
import * as child from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RECEIVER_WEB_DIR = path.resolve(__dirname, '..', '..');
export const RECEIVER_WEB_DIST = path.join(RECEIVER_WEB_DIR, 'dist');
const REPO = path.resolve(RECEIVER_WEB_DIR, '..', '..');

/** What the build reads: the page, its config, and the workspace packages it bundles. */
const SOURCES = [
  'apps/receiver-web/src',
  'apps/receiver-web/index.html',
  'apps/receiver-web/parity.html',
  'apps/receiver-web/bench.html',
  'apps/receiver-web/vite.config.mts',
  'packages/protocol/src',
  'packages/channel/src',
  'packages/diffusion/src',
  'packages/metrics/src',
  'packages/receiver/src',
  'packages/session/src',
  'packages/datachannel/src',
].map((p) => path.join(REPO, p));

export const BUILD_TIMEOUT_MS = 180_000;
const LOCK_DIR = path.join(RECEIVER_WEB_DIR, '.build.lock');
const LOCK_POLL_MS = 250;

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((m, name) => Math.max(m, newestMtime(path.join(p, name))), st.mtimeMs);
}

/** True when dist/ lacks a page or is older than a source. */
export function receiverWebIsStale(): boolean {
  const built = ['index.html', 'parity.html', 'bench.html'].map((f) => path.join(RECEIVER_WEB_DIST, f));
  if (!built.every((f) => fs.existsSync(f))) return true;
  const builtAt = Math.min(...built.map((f) => fs.statSync(f).mtimeMs));
  return SOURCES.some((s) => newestMtime(s) > builtAt);
}

function runViteBuild(): number {
  const vite = path.join(
    path.dirname(require.resolve('vite/package.json', { paths: [RECEIVER_WEB_DIR] })),
    'bin',
    'vite.js',
  );
  const t0 = performance.now();
  const res = child.spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: RECEIVER_WEB_DIR,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
  });
  if (res.status !== 0) {
    throw new Error(
      `vite build of apps/receiver-web failed (${res.status ?? res.signal}):\n${res.stderr}${res.stdout}`,
    );
  }
  const ms = performance.now() - t0;
  process.stderr.write(`built apps/receiver-web in ${(ms / 1000).toFixed(1)} s\n`);
  return ms;
}

/** Takes the build lock (mkdir is atomic); a lock older than a build's timeout is stale. */
async function lock(): Promise<void> {
  const deadline = Date.now() + 2 * BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      fs.mkdirSync(LOCK_DIR);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const age = Date.now() - (fs.statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > BUILD_TIMEOUT_MS) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_DIR}`);
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

/** Builds the page when needed; resolves to the build's wall time in ms (0 when none ran). */
export async function ensureReceiverWebBuilt(): Promise<number> {
  if (!receiverWebIsStale()) return 0;
  await lock();
  try {
    // Another worker may have built it while this one waited for the lock.
    return receiverWebIsStale() ? runViteBuild() : 0;
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
