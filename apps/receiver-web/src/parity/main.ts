/**
 * parity.html: fixture parity on onnxruntime-web's wasm backend in this browser, with the
 * same ORT build and threads as the receiver page (threads when cross-origin isolated), on
 * this page's main thread. The checks are
 * @semaigc/diffusion's `runParity`, the ones its jest suites run on onnxruntime-node and
 * on wasm in Node. Publishes `window.__parity` when done, for test/browser-parity.test.ts.
 *
 *   ?bundle=<url>   bundle base URL (default /bundle/)   ?threads=<n>   wasm threads
 */
import {
  FIXTURE_INDEX_FILE,
  FixtureReader,
  PARITY_TOLERANCE,
  STANDARD_LAYOUT,
  SplitPipeline,
  readManifest,
  runParity,
  urlBundleSource,
  type ParityCheck,
} from '@semaigc/diffusion';
import { describeError } from '@semaigc/protocol';
import { readPageConfig } from '../config';
import { DEFAULT_WASM_BUILD } from '../load-pipeline';
import { loadOrt, wasmThreads } from '../ort-env';

export interface ParityReport {
  ok: boolean;
  cases: ParityCheck[];
  error: string | null;
  crossOriginIsolated: boolean;
  backend: 'wasm';
  threads: number;
  /** Wall time of the whole run (load + checks), ms. */
  ms: number;
}

declare global {
  interface Window {
    __parity?: ParityReport;
  }
}

function row(c: ParityCheck): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const text of [c.name, c.maxAbsDiff.toExponential(2), c.ok ? 'yes' : `NO ${c.detail ?? ''}`]) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const status = document.getElementById('status')!;
  const body = document.querySelector('#cases tbody')!;
  const cases: ParityCheck[] = [];
  let threads = 1;
  let error: string | null = null;
  let pipe: SplitPipeline | null = null;
  try {
    const config = readPageConfig(location.search);
    // No spare core: parity exercises ORT's threaded kernels, and nothing else runs beside it.
    threads = wasmThreads(config.threads, 0);
    const ort = await loadOrt({ build: DEFAULT_WASM_BUILD, threads });
    // No Cache API here: parity checks the bytes the server serves now.
    const source = urlBundleSource(new URL(config.bundleUrl, location.href).href, { cacheName: null });
    const manifest = await readManifest(source);
    const fixtures = new FixtureReader(source, manifest.fixtures ?? FIXTURE_INDEX_FILE);
    // A standard export's fixtures may run at another size than its default (tiny-sd: 64x64).
    const size = (await fixtures.index()).cases[0]?.['image_size'] as [number, number] | undefined;
    pipe = await SplitPipeline.load(source, ort, {
      sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
      ...(manifest.layout === STANDARD_LAYOUT && size ? { imageSize: size } : {}),
    });
    await runParity(pipe, fixtures, (c) => {
      cases.push(c);
      body.append(row(c));
    });
  } catch (err) {
    error = describeError(err);
  } finally {
    await pipe?.release().catch(() => undefined);
  }
  const ok = error === null && cases.length > 0 && cases.every((c) => c.ok);
  status.dataset['state'] = ok ? 'ready' : 'failed';
  status.textContent = ok
    ? `all ${cases.length} checks within ${PARITY_TOLERANCE.toExponential(0)} (${threads} thread(s), cross-origin isolated: ${crossOriginIsolated})`
    : `FAILED: ${
        error ??
        cases
          .filter((c) => !c.ok)
          .map((c) => c.name)
          .join(', ')
      }`;
  window.__parity = {
    ok,
    cases,
    error,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    backend: 'wasm',
    threads,
    ms: performance.now() - t0,
  };
}

void main();
