/**
 * `npm run bench -- <suite> [suite args]`: runs one benchmark suite from ./suites,
 * prints its table and writes runs/bench/<suite>.json. `npm run bench -- --list` lists suites.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runSuite, type Suite } from './harness';

const suitesDir = path.join(__dirname, 'suites');

function available(): string[] {
  return fs
    .readdirSync(suitesDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const names = available();
  if (!name || name === '--help' || name === '-h' || name === '--list') {
    process.stdout.write(
      `usage: npm run bench -- <suite> [args]\n\nsuites: ${names.join(', ')}\n` +
        'Each suite prints a table and writes runs/bench/<suite>.json with the machine conditions.\n',
    );
    process.exit(name ? 0 : 2);
  }
  if (!names.includes(name)) {
    process.stderr.write(`bench: unknown suite '${name}'; available: ${names.join(', ')}\n`);
    process.exit(2);
  }
  const mod = (await import(path.join(suitesDir, `${name}.ts`))) as { default: Suite };
  await runSuite(name, mod.default, args);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
