/** --profile paper | measured (the latter fitted from --calibration's split-benchmark JSON). */
import { PAPER_PROFILE, measuredProfile, type ServiceProfile } from '@semaigc/root';
import { readJson } from '../node/files';

export function loadProfile(name: 'paper' | 'measured', calibration?: string): ServiceProfile {
  if (name === 'paper') {
    if (calibration) throw new TypeError('--calibration only applies to --profile measured');
    return PAPER_PROFILE;
  }
  if (!calibration) {
    throw new TypeError(
      '--profile measured needs --calibration <split-benchmark.json> (format in packages/root/README.md)',
    );
  }
  return measuredProfile(readJson(calibration)).profile;
}
