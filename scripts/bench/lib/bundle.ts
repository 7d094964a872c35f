/** The bundle a benchmark runs on: SEMAIGC_BUNDLE_DIR or the committed default. */
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';

export function benchBundleDir(): string {
  return process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;
}

/** `--name value` from suite args, or the default. */
export function argValue(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}
