import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_BUNDLE_DIR, dirBundleSource } from '@semaigc/models';
import { FIXTURE_INDEX_FILE, parseFixtureIndex, type BundleSource, type FixtureIndex } from '../src';

/** The bundle under test: SEMAIGC_BUNDLE_DIR or the committed default. */
export const BUNDLE_DIR = process.env['SEMAIGC_BUNDLE_DIR'] ?? DEFAULT_BUNDLE_DIR;

export function dirSource(dir: string = BUNDLE_DIR): BundleSource {
  return dirBundleSource(dir);
}

/**
 * The fixture index, read synchronously: jest needs the cases when it defines the tests.
 * Same parser as `FixtureReader.index()`.
 */
export function fixtureIndexSync(dir: string = BUNDLE_DIR): FixtureIndex {
  const file = path.join(dir, FIXTURE_INDEX_FILE);
  return parseFixtureIndex(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}
