/**
 * Vite config for the receiver page (index.html), the parity page (parity.html) and the
 * benchmark page (bench.html).
 *
 * Deliberately imports nothing (not even `vite`'s types, which pull in Node's): this file is
 * type-checked with the page's browser tsconfig. Paths come from `import.meta.url`.
 *
 * - `base: './'`: every asset URL is relative, so the build works wherever it is mounted
 *   (the coordinator serves it at /r/).
 * - `@semaigc/*` → packages/<name>/src/index.ts: no workspace package needs building first.
 * - The `onnxruntime-web-use-extern-wasm` condition picks onnxruntime-web's build whose wasm
 *   glue (.mjs) and binary (.wasm) stay separate files; src/ort-env.ts imports both with
 *   `?url`, so Vite copies them into dist/assets/ and the page sets `ort.env.wasm.wasmPaths`
 *   to those URLs (the glue file is also the script of ORT's pthread workers).
 * - COOP/COEP on the dev and preview servers, as the coordinator sends them, so
 *   `crossOriginIsolated` holds and the wasm backend can use threads (SharedArrayBuffer).
 * - `keepNames` on the page's and the worker's output: the minifier renames classes, and an
 *   error's `name` (`this.name = new.target.name` in every package's error base class) is what
 *   a user reads ("ModelMemoryError: …", not "nh: …"). It costs a few hundred bytes.
 */
const here = (rel: string): string => decodeURIComponent(new URL(rel, import.meta.url).pathname);

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// Vite's default client conditions (module, browser, development|production) plus ORT's.
const CONDITIONS = ['onnxruntime-web-use-extern-wasm', 'module', 'browser', 'development|production'];

export default {
  base: './',
  resolve: {
    alias: [{ find: /^@semaigc\/([a-z0-9-]+)$/, replacement: `${here('../../packages/')}$1/src/index.ts` }],
    conditions: CONDITIONS,
  },
  // Pre-bundling would rewrite onnxruntime-web's own dynamic imports of its wasm glue.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The wasm binary is one ~28 MB asset; there is nothing to split.
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      input: { index: here('index.html'), parity: here('parity.html'), bench: here('bench.html') },
      output: { keepNames: true },
    },
  },
  // The inference worker imports onnxruntime-web's builds on demand: ES module workers keep
  // those dynamic imports as separate chunks (the default 'iife' cannot split).
  worker: { format: 'es', rolldownOptions: { output: { keepNames: true } } },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
};
