// One root config; every package and app with a test/ folder is a jest project, so
// `npx jest packages/channel` or `npx jest path/to/file.test.ts` runs just that part.
const fs = require('node:fs');
const path = require('node:path');

const roots = ['packages', 'apps'];
// @semaigc/<name> → the workspace's TypeScript source, so tests need no build.
const moduleNameMapper = Object.fromEntries(
  roots.flatMap((r) =>
    (fs.existsSync(r) ? fs.readdirSync(r) : [])
      .filter((d) => fs.existsSync(path.join(__dirname, r, d, 'src', 'index.ts')))
      .map((d) => [`^@semaigc/${d}$`, path.join(__dirname, r, d, 'src', 'index.ts')]),
  ),
);

function project(dir) {
  return {
    displayName: path.relative(__dirname, dir),
    rootDir: dir,
    testEnvironment: path.join(__dirname, 'test', 'jest-node-environment.js'),
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    // Type checking is `npm run typecheck`'s job; jest only transpiles, which keeps runs fast.
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }] },
    moduleNameMapper,
  };
}

const projects = roots
  .flatMap((r) => (fs.existsSync(r) ? fs.readdirSync(r).map((d) => path.join(__dirname, r, d)) : []))
  .filter((d) => fs.existsSync(path.join(d, 'test')))
  .map(project);

if (fs.existsSync(path.join(__dirname, 'test'))) {
  projects.push({ ...project(__dirname), displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.test.ts'] });
}

module.exports = { projects };
