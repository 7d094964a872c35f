/**
 * Suite arguments (what follows the suite name in `npm run bench -- <suite> ...`), parsed
 * with node:util's `parseArgs`. `--quick` (a short run for smoke checks) is common to all.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON = { quick: { type: 'boolean', default: false } } as const;

/**
 * Strict: an unknown or misspelled option is an error naming it, rather than a full-length
 * run with the defaults.
 */
export function suiteArgs<const O extends Options>(args: string[], options: O) {
  return parseArgs({ args, options: { ...COMMON, ...options }, strict: true, allowPositionals: false })
    .values;
}

/** A numeric option's value, or `fallback` when it was not given; a TypeError names the option. */
export function numberArg(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    // The code parseArgs gives its own bad values, so the harness reports it as a usage error.
    throw Object.assign(new TypeError(`--${name} must be a number, got '${value}'`), {
      code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
    });
  }
  return n;
}

/** `--name value` from suite args, or `fallback`; other options are left alone (not strict). */
export function argValue(args: string[], name: string, fallback: string): string {
  const { values } = parseArgs({ args, options: { [name]: { type: 'string' } }, strict: false });
  const v = values[name];
  return typeof v === 'string' ? v : fallback;
}
