/**
 * Where a bundle's files come from. The runtime reads through this interface so the same
 * loader works on a directory (Node: packages/models' `dirBundleSource`) and on a base URL
 * (browser: `urlBundleSource`, which caches the bytes with the Cache API so a phone
 * downloads the model once).
 */
import { BundleError } from '../errors';

export interface BundleSource {
  /** A human-readable location for error messages. */
  readonly location: string;
  /**
   * `version` identifies the content (the loader passes the manifest's name and the file's
   * byte count); caching sources key on it so a retrained bundle is fetched again.
   */
  readBytes(path: string, version?: string): Promise<Uint8Array>;
}

export async function readJson(source: BundleSource, path: string): Promise<unknown> {
  const bytes = await source.readBytes(path);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (err) {
    throw new BundleError(`${source.location}/${path}: not valid JSON`, { cause: err });
  }
}

export interface UrlSourceOptions {
  /** Cache API cache name; null disables caching (default 'semaigc-bundle-v1'). */
  cacheName?: string | null;
  fetch?: typeof fetch;
}

/** Reads `<baseUrl>/<path>` with fetch, through the Cache API when the browser has it. */
export function urlBundleSource(baseUrl: string, options: UrlSourceOptions = {}): BundleSource {
  const base = baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const cacheName = options.cacheName === undefined ? 'semaigc-bundle-v1' : options.cacheName;
  return {
    location: base,
    async readBytes(path: string, version?: string): Promise<Uint8Array> {
      const url = `${base}/${path}`;
      // Only versioned reads are cached: the manifest itself is always fetched fresh.
      const cache =
        version && cacheName && typeof caches !== 'undefined' ? await caches.open(cacheName) : null;
      const key = `${url}?v=${encodeURIComponent(version ?? '')}`;
      let res = cache ? await cache.match(key) : undefined;
      if (!res) {
        try {
          res = await doFetch(url);
        } catch (err) {
          throw new BundleError(`${url}: fetch failed`, { cause: err });
        }
        if (!res.ok) throw new BundleError(`${url}: HTTP ${res.status}`);
        if (cache) await cache.put(key, res.clone());
      }
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
