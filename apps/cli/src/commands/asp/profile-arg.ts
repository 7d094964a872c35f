/**
 * `--profile <name|file>`: a named environment profile (agod-code, d2sac-paper,
 * aaas-paper), or a lab-calibrated profile file from `semaigc asp calibrate` (its edges
 * become the simulator's ASPs, so learners train on the lab's own edges).
 */
import * as fs from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { ASP_PROFILES, aspProfile, parseCalibratedProfile, type AspProfile } from '@semaigc/asp';

export function loadAspProfile(nameOrFile: string): AspProfile {
  if (nameOrFile in ASP_PROFILES) return aspProfile(nameOrFile);
  if (!fs.existsSync(nameOrFile))
    throw new InvalidArgumentError(
      `--profile must be one of ${Object.keys(ASP_PROFILES).join(', ')} or a calibrated profile file, got '${nameOrFile}'`,
    );
  return parseCalibratedProfile(JSON.parse(fs.readFileSync(nameOrFile, 'utf8')) as unknown, nameOrFile)
    .profile;
}
