/**
 * Test and validation captions for the split benchmark, first found of:
 *   1. a file given with --captions-file ({ test: string[], validation: string[] });
 *   2. the bundle's own held-out lists (captions.json, or the file manifest.captions names);
 *   3. captions drawn from the grammar with their own seeds, the two sets made disjoint (these
 *      may include captions the model was trained on; 1 and 2 were held out of training).
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

function heldOutLists(
  bundleDir: string,
  captionsFile: string | null,
): { test: string[]; validation: string[]; file: string } | null {
  const manifest = JSON.parse(fs.readFileSync(path.join(bundleDir, 'manifest.json'), 'utf8')) as {
    captions?: unknown;
  };
  const file = captionsFile ?? (typeof manifest.captions === 'string' ? manifest.captions : 'captions.json');
  const full = captionsFile ? path.resolve(captionsFile) : path.join(bundleDir, file);
  if (!fs.existsSync(full)) {
    if (captionsFile) throw new Error(`--captions-file ${captionsFile}: no such file`);
    return null;
  }
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
  captionsFile: string | null = null,
): CaptionSets {
  const lists = heldOutLists(bundleDir, captionsFile);
  if (lists) {
    if (lists.test.length < nTest || lists.validation.length < nValidation)
      throw new RangeError(
        `${lists.file}: ${lists.test.length} test / ${lists.validation.length} validation captions, the bench needs ${nTest} / ${nValidation}`,
      );
    const sets = { test: lists.test.slice(0, nTest), validation: lists.validation.slice(0, nValidation) };
    // every caption must be one the checker can score
    for (const c of [...sets.test, ...sets.validation]) parseCaption(grammar, c);
    const where = captionsFile
      ? `held-out lists from ${lists.file}`
      : `the bundle's held-out lists (${lists.file})`;
    return { ...sets, source: where };
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
