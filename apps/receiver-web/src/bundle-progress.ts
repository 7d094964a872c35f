/**
 * Download progress of the model bundle ("loading model 42%"). Wraps the URL source: bytes
 * are counted as they stream in (a fetch wrapper), a file read from the Cache API counts
 * all at once, and the total comes from manifest.json's component sizes, which the loader
 * reads first.
 */
import {
  COMPONENT_NAMES,
  MANIFEST_FILE,
  parseManifest,
  type BundleManifest,
  type BundleSource,
} from '@semaigc/diffusion';

export interface BundleProgress {
  loadedBytes: number;
  /** null until manifest.json has been read. */
  totalBytes: number | null;
  file: string;
}

export type ProgressListener = (p: BundleProgress) => void;

/** A fetch that calls `onBytes` for every chunk of every response body. */
export function countingFetch(onBytes: (n: number) => void, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const res = await base(input, init);
    if (!res.body) return res;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        onBytes(chunk.byteLength);
        ctl.enqueue(chunk);
      },
    });
    return new Response(res.body.pipeThrough(counter), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

/** Sum of the manifest's component `bytes` fields, or null when it does not give them all. */
export function manifestBytes(manifest: BundleManifest): number | null {
  let total = 0;
  for (const name of COMPONENT_NAMES) {
    const c = manifest.components[name];
    if (!c) continue;
    if (c.bytes === undefined) return null;
    total += c.bytes;
  }
  return total;
}

/**
 * Tracks one bundle load. `fetch` goes to `urlBundleSource(url, { fetch })`; `wrap` wraps
 * that source. Only model files count towards the total (small JSON files do not).
 */
export class BundleProgressTracker {
  private done = 0;
  private current = 0;
  private total: number | null = null;
  private file = MANIFEST_FILE;

  constructor(private readonly listener: ProgressListener) {}

  readonly fetch: typeof fetch = countingFetch((n) => {
    this.current += n;
    this.emit();
  });

  wrap(inner: BundleSource): BundleSource {
    return {
      location: inner.location,
      readBytes: async (path, version) => {
        this.file = path;
        this.current = 0;
        this.emit();
        const bytes = await inner.readBytes(path, version);
        if (path === MANIFEST_FILE) {
          try {
            this.total = manifestBytes(parseManifest(JSON.parse(new TextDecoder().decode(bytes))));
          } catch {
            this.total = null; // the loader reports the bad manifest itself
          }
        } else if (path.endsWith('.onnx')) {
          this.done += bytes.byteLength;
        }
        this.current = 0;
        this.emit();
        return bytes;
      },
    };
  }

  private emit(): void {
    const counted = this.file.endsWith('.onnx') ? this.current : 0;
    this.listener({ loadedBytes: this.done + counted, totalBytes: this.total, file: this.file });
  }
}

/** Keeps every file read once, so a second load (the wasm fallback) costs no download. */
export function memoSource(inner: BundleSource): BundleSource {
  const seen = new Map<string, Promise<Uint8Array>>();
  return {
    location: inner.location,
    readBytes(path, version) {
      const key = `${path}\0${version ?? ''}`;
      let p = seen.get(key);
      if (!p) {
        p = inner.readBytes(path, version);
        p.catch(() => seen.delete(key));
        seen.set(key, p);
      }
      return p;
    },
  };
}
