/**
 * `npm run bench -- <suite> [suite args]`: runs one benchmark suite from ./suites,
 * prints its table and writes runs/bench/<suite>.json. `npm run bench -- --list` lists suites.
 * Suite options are parsed by the suite (lib/args.ts); a misspelled one is an error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError } from '@semaigc/protocol';
import { runSuite, type Suite } from './harness';

const suitesDir = path.join(__dirname, 'suites');

function available(): string[] {
  return fs
    .readdirSync(suitesDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

const USAGE = 'usage: npm run bench -- [--list | --help] <suite> [suite options]\n';

/** The harness's own options come before the suite name; what follows belongs to the suite. */
function splitArgv(argv: string[]): { list: boolean; name: string | undefined; args: string[] } {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const { values } = parseArgs({
    args: at < 0 ? argv : argv.slice(0, at),
    options: {
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  return {
    list: values.list || values.help,
    name: at < 0 ? undefined : argv[at],
    args: at < 0 ? [] : argv.slice(at + 1),
  };
}

async function main(): Promise<void> {
  const { list, name, args } = splitArgv(process.argv.slice(2));
  const names = available();
  if (list || !name) {
    process.stdout.write(
      `${USAGE}\nsuites: ${names.join(', ')}\n` +
        'Each suite prints a table and writes runs/bench/<suite>.json with the machine conditions.\n',
    );
    process.exit(list ? 0 : 2);
  }
  if (!names.includes(name)) {
    process.stderr.write(`bench: unknown suite '${name}'; available: ${names.join(', ')}\n`);
    process.exit(2);
  }
  const mod = (await import(path.join(suitesDir, `${name}.ts`))) as { default: Suite };
  await runSuite(name, mod.default, args);
}

/** node:util's parseArgs (and lib/args.ts's numberArg) mark bad options with an ERR_PARSE_ARGS_* code. */
function isUsageError(err: unknown): err is Error {
  return err instanceof Error && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

main().catch((err: unknown) => {
  if (isUsageError(err)) {
    process.stderr.write(`bench: ${err.message}\n${USAGE}`);
    process.exit(2);
  }
  process.stderr.write(`bench: ${describeError(err)}\n`);
  // As the semaigc CLI: the stack only when asked for.
  if (process.env['SEMAIGC_DEBUG'] && err instanceof Error && err.stack)
    process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
