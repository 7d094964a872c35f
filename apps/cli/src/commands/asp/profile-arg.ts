/**
 * `--profile <name|file>`: a named environment profile (agod-code, d2sac-paper,
 * aaas-paper), or a lab-calibrated profile file from `semaigc lab --calibrate` (its edges
 * become the simulator's ASPs, so learners train on the lab's own edges). `--arrival-rate`
 * and `--episode-seconds` replace the profile's load: a calibration runs closed-loop, so its
 * file cannot know the arrival rate of the live trial the learners will face.
 */
import * as fs from 'node:fs';
import { InvalidArgumentError } from 'commander';
import {
  ASP_PROFILES,
  aspProfile,
  checkProfile,
  parseCalibratedProfile,
  type AspProfile,
} from '@semaigc/asp';

export interface ProfileLoad {
  arrivalRate?: number;
  episodeSeconds?: number;
}

export function loadAspProfile(nameOrFile: string, load: ProfileLoad = {}): AspProfile {
  const base = readProfile(nameOrFile);
  if (load.arrivalRate === undefined && load.episodeSeconds === undefined) return base;
  return checkProfile({
    ...base,
    ...(load.arrivalRate !== undefined ? { arrivalRate: load.arrivalRate } : {}),
    ...(load.episodeSeconds !== undefined ? { episodeSeconds: load.episodeSeconds } : {}),
  });
}

function readProfile(nameOrFile: string): AspProfile {
  if (nameOrFile in ASP_PROFILES) return aspProfile(nameOrFile);
  if (!fs.existsSync(nameOrFile))
    throw new InvalidArgumentError(
      `--profile must be one of ${Object.keys(ASP_PROFILES).join(', ')} or a calibrated profile file, got '${nameOrFile}'`,
    );
  return parseCalibratedProfile(JSON.parse(fs.readFileSync(nameOrFile, 'utf8')) as unknown, nameOrFile)
    .profile;
}
