/**
 * A tiny loopback static file server for browser tests: node:http on a free port, URL
 * prefixes mounted on directories, the COOP/COEP/CORP headers the coordinator sends (so
 * pages are cross-origin isolated and onnxruntime-web can use wasm threads), and MIME types
 * that browsers insist on (application/wasm for streaming compilation, text/javascript for
 * .mjs module workers). GET and HEAD only; nothing outside a mounted directory is served.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticServerOptions {
  /** URL prefix (starting and ending with '/') → directory, e.g. { '/r/': distDir }. */
  mounts: Record<string, string>;
  host?: string;
  /** 0 (default): a free port. */
  port?: number;
}

export interface StaticServer {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  /** The node:http server, e.g. to attach a socket.io server on the same origin. */
  server: http.Server;
  close(): Promise<void>;
}

function mimeOf(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file a URL path names inside `dir`, or null if it would leave `dir`. */
function resolveInside(dir: string, rest: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  const file = path.resolve(dir, `.${path.posix.sep}${decoded}`);
  return file === dir || file.startsWith(dir + path.sep) ? file : null;
}

/** The file to send for `file` (a directory serves its index.html), with its size; null if none. */
async function servable(file: string): Promise<{ file: string; size: number } | null> {
  try {
    let st = await fs.promises.stat(file);
    if (st.isDirectory()) {
      file = path.join(file, 'index.html');
      st = await fs.promises.stat(file);
    }
    return st.isFile() ? { file, size: st.size } : null;
  } catch {
    return null;
  }
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const mounts = Object.entries(options.mounts).map(([prefix, dir]) => {
    if (!prefix.startsWith('/') || !prefix.endsWith('/'))
      throw new TypeError(`mount prefix must start and end with '/', got '${prefix}'`);
    return { prefix, dir: path.resolve(dir) };
  });
  // Longest prefix first, so '/r/assets/' could be mounted apart from '/r/'.
  mounts.sort((a, b) => b.prefix.length - a.prefix.length);

  const server = http.createServer((req, res) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, {
        ...ISOLATION_HEADERS,
        'Content-Type': 'text/plain; charset=utf-8',
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, 'GET or HEAD only', { Allow: 'GET, HEAD' });
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const mount = mounts.find((m) => pathname.startsWith(m.prefix) || pathname === m.prefix.slice(0, -1));
    if (!mount) return send(404, `nothing mounted at ${pathname}`);
    if (pathname === mount.prefix.slice(0, -1)) return send(301, 'moved', { Location: mount.prefix });
    const file = resolveInside(mount.dir, pathname.slice(mount.prefix.length));
    if (!file) return send(403, 'outside the served directory');
    void servable(file).then((found) => {
      if (!found) return send(404, `not found: ${pathname}`);
      res.writeHead(200, {
        ...ISOLATION_HEADERS,
        'Content-Type': mimeOf(found.file),
        'Content-Length': String(found.size),
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(found.file).pipe(res);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
