// Vite build of the dashboard page: web/index.html + src/dashboard/*.ts → dist/web/, served
// by the coordinator at /dashboard/. Workspace packages resolve to their TypeScript sources,
// so nothing needs building first.
const here = (rel) => decodeURIComponent(new URL(rel, import.meta.url).pathname);

export default {
  root: here('.'),
  base: '/dashboard/',
  resolve: {
    alias: [
      { find: /^@semaigc\/([a-z0-9-]+)$/, replacement: `${here('../../../packages/')}$1/src/index.ts` },
    ],
  },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
  logLevel: 'warn',
};
