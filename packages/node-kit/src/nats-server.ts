/**
 * Starts a real `nats-server` (from PATH) on a free loopback port, with JetStream storing in
 * a fresh temp dir, the way nats.js's own test kit does. The lab uses it for its private
 * server when no --nats URL is given; packages/testkit re-exports it for tests. `stop()` is awaited: it sends
 * SIGTERM, waits for the exit (SIGKILL after a grace period) and removes the temp dir, so
 * no orphan process or directory survives a test.
 *
 * The server also dies with the process that started it when that process cannot stop it
 * (SIGKILL, a crash): on Linux it is started through util-linux's `setpriv --pdeathsig KILL`,
 * so the kernel kills it the moment its parent dies. That is the simplest robust way with
 * Node on Debian: no helper process to keep alive or to be killed first (a pipe-watching
 * shell could itself be SIGKILLed), nothing to compile (Node has no prctl), and `setpriv`
 * execs nats-server, so `pid` is the server's own. Where `setpriv` is missing the server is
 * started directly. Store dirs left by a killed parent are removed at the next start
 * (`cleanStaleStoreDirs`): each holds an owner file with the starting process's pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NatsServerError } from './errors';
import { freePort, waitForPort } from './free-port';

export interface NatsServerOptions {
  /** Executable name or path (default `nats-server`, from PATH). */
  binary?: string;
  /** Enable JetStream with a temp store dir (default true). */
  jetstream?: boolean;
  /** Extra command-line arguments. */
  args?: string[];
  /**
   * Listen on this port (default: a free one). Restarting a server on the port it had is
   * how fault tests take NATS down and bring it back under connected clients.
   */
  port?: number;
  /** How long to wait for the server to accept connections (default 10 s). */
  readyTimeoutMs?: number;
  /** Keep the server's stderr/stdout lines here for diagnostics (default: last 200 lines). */
  keepLogLines?: number;
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly storeDir: string | null;
  /** The server's recent log lines (for assertions or diagnostics). */
  logs(): string[];
  /**
   * Re-reads the config file (SIGHUP, what `nats-server --signal reload` sends) and resolves
   * once the server says it did: how new node credentials (`addNodeCredentials`) take effect
   * without dropping anyone's connection.
   */
  reload(timeoutMs?: number): Promise<void>;
  /** Stops the server and cleans up; safe to call twice. */
  stop(): Promise<void>;
}

export const DEFAULT_NATS_READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const START_ATTEMPTS = 3;
/** Store dirs are `<tmpdir>/semaigc-nats-XXXXXX`; the owner file names who made them. */
const STORE_PREFIX = 'semaigc-nats-';
const OWNER_FILE = 'semaigc-owner.json';

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The executable `name` resolves to (a path as given, a bare name on PATH), or null. */
function which(name: string): string | null {
  if (name.includes('/')) return executable(name) ? name : null;
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const p = path.join(dir || '.', name);
    if (executable(p)) return p;
  }
  return null;
}

/** Whether `pid` runs; a zombie (dead, not yet reaped: containers' init may never reap) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Removes store dirs whose owner process is gone (a lab that was SIGKILLed); returns the
 * dirs removed. Dirs without an owner file are left alone (another version's, or being
 * created right now).
 */
export function cleanStaleStoreDirs(tmpDir: string = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmpDir).filter((n) => n.startsWith(STORE_PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = path.join(tmpDir, name);
    let owner: { pid?: unknown; serverPid?: unknown };
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as typeof owner;
    } catch {
      continue;
    }
    const pids = [owner.pid, owner.serverPid].filter((p): p is number => Number.isInteger(p));
    if (pids.length === 0 || pids.some(alive)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(
  opts: Required<Omit<NatsServerOptions, 'args' | 'port'>> & { args: string[]; port?: number | undefined },
): Promise<NatsServer> {
  const port = opts.port ?? (await freePort());
  const storeDir = opts.jetstream ? fs.mkdtempSync(path.join(os.tmpdir(), STORE_PREFIX)) : null;
  const serverArgs = [
    '-a',
    '127.0.0.1',
    '-p',
    String(port),
    ...(storeDir ? ['-js', '-sd', storeDir] : []),
    ...opts.args,
  ];
  // Through setpriv only when the server binary resolves, so a missing one still fails as
  // "cannot start" below rather than as setpriv's exit code.
  const setpriv = process.platform === 'linux' && which(opts.binary) ? which('setpriv') : null;
  const [command, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', '--', opts.binary, ...serverArgs]]
    : [opts.binary, serverArgs];
  const lines: string[] = [];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (storeDir && child.pid !== undefined) {
    fs.writeFileSync(
      path.join(storeDir, OWNER_FILE),
      JSON.stringify({ pid: process.pid, serverPid: child.pid }) + '\n',
    );
  }
  const keep = (buf: Buffer): void => {
    for (const l of buf.toString().split('\n')) if (l) lines.push(l);
    if (lines.length > opts.keepLogLines) lines.splice(0, lines.length - opts.keepLogLines);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const cleanupDir = (): void => {
    if (storeDir) fs.rmSync(storeDir, { recursive: true, force: true });
  };
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) =>
      reject(
        new NatsServerError(
          `cannot start '${opts.binary}': ${err.message} (is nats-server installed? run scripts/setup.sh)`,
          { cause: err },
        ),
      ),
    );
    child.once('exit', (code, signal) =>
      reject(
        new NatsServerError(
          `nats-server exited early (code ${code}, signal ${signal}): ${lines.slice(-5).join(' | ')}`,
        ),
      ),
    );
  });
  const polling = new AbortController();
  try {
    await Promise.race([waitForPort(port, '127.0.0.1', opts.readyTimeoutMs, polling.signal), failed]);
  } catch (err) {
    polling.abort();
    child.kill('SIGKILL');
    await waitForExit(child);
    cleanupDir();
    throw err instanceof NatsServerError
      ? err
      : new NatsServerError(`nats-server not ready: ${String(err)}`, { cause: err });
  }
  failed.catch(() => undefined); // later exits are reported by stop()/logs, not as unhandled rejections

  let stopped: Promise<void> | null = null;
  let reloads = 0;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    storeDir,
    logs: () => [...lines],
    async reload(timeoutMs = opts.readyTimeoutMs): Promise<void> {
      // Counted over every line seen, not the kept window (which drops old lines).
      const before = reloads;
      const onLine = (buf: Buffer): void => {
        reloads += (buf.toString().match(/Reloaded server configuration/g) ?? []).length;
      };
      child.stderr?.on('data', onLine);
      child.stdout?.on('data', onLine);
      try {
        child.kill('SIGHUP');
        const end = Date.now() + timeoutMs;
        while (reloads === before) {
          if (child.exitCode !== null || child.signalCode !== null)
            throw new NatsServerError(`nats-server exited while reloading: ${lines.slice(-3).join(' | ')}`);
          if (Date.now() > end)
            throw new NatsServerError(
              `nats-server did not confirm the reload within ${timeoutMs} ms: ${lines.slice(-3).join(' | ')}`,
            );
          await new Promise((r) => setTimeout(r, 20));
        }
      } finally {
        child.stderr?.off('data', onLine);
        child.stdout?.off('data', onLine);
      }
    },
    stop(): Promise<void> {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await waitForExit(child);
          clearTimeout(timer);
        }
        cleanupDir();
      })();
      return stopped;
    },
  };
}

/** Starts nats-server; retries on a port race. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  cleanStaleStoreDirs();
  const opts = {
    binary: options.binary ?? 'nats-server',
    jetstream: options.jetstream ?? true,
    args: options.args ?? [],
    readyTimeoutMs: options.readyTimeoutMs ?? DEFAULT_NATS_READY_TIMEOUT_MS,
    keepLogLines: options.keepLogLines ?? 200,
    port: options.port,
  };
  if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port > 0 && opts.port < 65536))
    throw new TypeError(`startNatsServer: port must be an integer in [1, 65535], got ${opts.port}`);
  let last: unknown;
  for (let i = 0; i < START_ATTEMPTS; i++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      last = err;
      // Only a lost port race is worth retrying; a missing binary is not. A port given is
      // retried too: the previous server on it may not have released it yet.
      if (!(err instanceof NatsServerError) || !/address already in use|exited early/i.test(err.message))
        break;
      if (opts.port !== undefined) await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw last instanceof Error ? last : new NatsServerError(String(last));
}
