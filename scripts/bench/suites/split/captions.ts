/**
 * Test and validation captions for the split benchmark. The bundle's own held-out lists
 * (captions.json: { test: string[], validation: string[] }, or the file manifest.captions
 * names) are used when the bundle has them: those captions were never trained on. Otherwise
 * both sets are drawn from the caption grammar with their own seeds and made disjoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makePrompts, parseCaption, type CaptionGrammar } from '@semaigc/diffusion';

export const TEST_CAPTION_SEED = 4242;
export const VALIDATION_CAPTION_SEED = 4343;

export interface CaptionSets {
  test: string[];
  validation: string[];
  /** Where they came from, for the report. */
  source: string;
}

function heldOutLists(bundleDir: string): { test: string[]; validation: string[]; file: string } | null {
  const manifest = JSON.parse(fs.readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8')) as {
    captions?: unknown;
  };
  const file = typeof manifest.captions === 'string' ? manifest.captions : 'captions.json';
  const full = path.join(bundleDir, file);
  if (!fs.existsSync(full)) return null;
  const lists = JSON.parse(fs.readFileSync(full, 'utf8')) as { test?: unknown; validation?: unknown };
  const strings = (v: unknown, field: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new TypeError(`${full}: '${field}' must be a list of caption strings`);
    return v as string[];
  };
  return { test: strings(lists.test, 'test'), validation: strings(lists.validation, 'validation'), file };
}

export function captionSets(
  bundleDir: string,
  grammar: CaptionGrammar,
  nTest: number,
  nValidation: number,
): CaptionSets {
  const lists = heldOutLists(bundleDir);
  if (lists) {
    if (lists.test.length < nTest || lists.validation.length < nValidation)
      throw new RangeError(
        `${lists.file}: ${lists.test.length} test / ${lists.validation.length} validation captions, the bench needs ${nTest} / ${nValidation}`,
      );
    const sets = { test: lists.test.slice(0, nTest), validation: lists.validation.slice(0, nValidation) };
    // every caption must be one the checker can score
    for (const c of [...sets.test, ...sets.validation]) parseCaption(grammar, c);
    return { ...sets, source: `the bundle's held-out lists (${lists.file})` };
  }
  const test = [...new Set(makePrompts(grammar, TEST_CAPTION_SEED, nTest * 2))].slice(0, nTest);
  const taken = new Set(test);
  const validation = [
    ...new Set(makePrompts(grammar, VALIDATION_CAPTION_SEED, nValidation * 4).filter((c) => !taken.has(c))),
  ].slice(0, nValidation);
  if (test.length < nTest || validation.length < nValidation)
    throw new RangeError(
      `the caption grammar gave only ${test.length} / ${validation.length} distinct captions`,
    );
  return {
    test,
    validation,
    source: `makePrompts(grammar, ${TEST_CAPTION_SEED}) for test, makePrompts(grammar, ${VALIDATION_CAPTION_SEED}) minus the test captions for validation (the bundle has no held-out caption lists)`,
  };
}
