import * as net from 'node:net';

/**
 * Asks the kernel for a free TCP port on 127.0.0.1 by binding port 0 and closing again.
 * There is a small window in which another process could take it; callers that start a
 * server on the port retry on EADDRINUSE (see startNatsServer).
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('freePort: server has no TCP address'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}

/**
 * Resolves once `port` on `host` accepts TCP connections, or rejects after `timeoutMs`.
 * `signal` stops the polling early (e.g. when the server process already died), so no
 * timer outlives the caller.
 */
export async function waitForPort(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 10_000,
  signal?: AbortSignal,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) throw new Error(`waitForPort: aborted waiting for ${host}:${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ port, host });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until)
      throw new Error(`waitForPort: ${host}:${port} not accepting after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
