/** The bundle a benchmark runs on: SEMAIGC_BUNDLE_DIR or the committed default. */
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';

// Suites have imported `argValue` from here; it lives with the other argument helpers.
export { argValue } from './args';

export function benchBundleDir(): string {
  return process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;
}
