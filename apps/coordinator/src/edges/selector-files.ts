/** The files a trial's `aspSelector` names, read and parsed for the selector factory. */
import * as fs from 'node:fs/promises';
import { initTensorflow } from '@semaigc/root';
import { TrialConfigError } from '../errors';
import type { TrialConfig } from '../config/trial-config';
import type { EdgeSelectorOptions } from './selector';

async function readJson(field: string, file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch (err) {
    throw new TrialConfigError(field, `cannot read ${file} as JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export async function readSelectorFiles(a: TrialConfig['aspSelector']): Promise<EdgeSelectorOptions> {
  // A learner keeps its networks as tfjs variables (it acts in plain JS): any ready backend
  // will do, and the pure-JS one needs no files.
  if (a.checkpoint) await initTensorflow('cpu');
  return {
    seed: a.seed,
    ...(a.checkpoint ? { checkpoint: await readJson('aspSelector.checkpoint', a.checkpoint) } : {}),
    ...(a.profile ? { profile: await readJson('aspSelector.profile', a.profile) } : {}),
  };
}
