import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BundleSource } from '../src';
import { DEFAULT_BUNDLE_DIR } from '@semaigc/models';

/** The bundle under test: SEMAIGC_BUNDLE_DIR or the committed default. */
export const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;

export function dirSource(dir: string = BUNDLE_DIR): BundleSource {
  return {
    location: dir,
    readBytes: async (p) => new Uint8Array(await fs.promises.readFile(path.join(dir, p))),
  };
}
