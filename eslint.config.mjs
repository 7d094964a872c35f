// Flat config: type-checked typescript-eslint rules everywhere, plus the layering rules
// from DESIGN.md (library packages never log to the console; browser-safe packages never
// import Node-only modules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Packages that must run in a browser: no node:*, nats, socket.io or onnxruntime-node. */
const BROWSER_SAFE = [
  'packages/asp',
  'packages/protocol',
  'packages/channel',
  'packages/datachannel',
  'packages/diffusion',
  'packages/metrics',
  'packages/receiver',
  'packages/root',
  'packages/session',
];

const nodeOnlyImports = {
  patterns: [
    { group: ['node:*'], message: 'Browser-safe package: no Node built-ins; inject them from a Node app.' },
    { group: ['nats', '@nats-io/*'], message: 'Browser-safe package: transports are injected by apps.' },
    {
      group: ['socket.io', 'socket.io/*'],
      message: 'Browser-safe package: transports are injected by apps.',
    },
    {
      group: ['onnxruntime-node'],
      message: 'Browser-safe package: use onnxruntime-common and inject the runtime.',
    },
  ],
  paths: ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'worker_threads'].map(
    (name) => ({
      name,
      message: 'Browser-safe package: no Node built-ins.',
    }),
  ),
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'runs/**',
      'coverage/**',
      'packages/models/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      'scripts/pretrain/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // Explicit projects: sources are covered by each package's build tsconfig, tests and
        // benchmarks by the root tsconfig.tests.json.
        // The coordinator's dashboard page has its own DOM-only tsconfig under web/; it comes
        // last so that package sources are linted with their own tsconfig, not through its
        // bundler-style path mapping.
        project: [
          './packages/*/tsconfig.json',
          './apps/*/tsconfig.json',
          './tsconfig.tests.json',
          './apps/coordinator/web/tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['packages/**/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: BROWSER_SAFE.map((p) => `${p}/src/**/*.ts`),
    rules: { 'no-restricted-imports': ['error', nodeOnlyImports] },
  },
  {
    files: ['**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
