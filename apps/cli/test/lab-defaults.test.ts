/**
 * The embedded lab's default trial per bundle: the project bundle keeps its grammar prompts and
 * narrow link; a standard Stable Diffusion export gets fixed prompts and the paper's time scale,
 * so that its 4×64×64 fp32 latent crosses the link within the failure limit even at the sweep's
 * lowest SNR (at 50 kHz it would take ~32 s against a 20 s limit, and every request failed).
 */
import { transmissionSeconds } from '@semaigc/channel';
import { parseTrialConfig } from '@semaigc/coordinator';
import { DEFAULT_BUNDLE_DIR, TINY_SD_DIR } from '@semaigc/models';
import {
  DEFAULT_LAB_TRIAL,
  STANDARD_EXPORT_PROMPTS,
  defaultLabTrial,
  isStandardExport,
} from '../src/live/defaults';

const SD_LATENT_BITS = 4 * 64 * 64 * 32;

function worstLinkSeconds(trial: ReturnType<typeof parseTrialConfig>): number {
  if (trial.snr.kind !== 'sweep') throw new Error(`expected an SNR sweep, got ${trial.snr.kind}`);
  const lowest = Math.min(...trial.snr.valuesDb);
  return transmissionSeconds(SD_LATENT_BITS, trial.channel.link.bandwidthHz, lowest);
}

test('the project bundle is not a standard export and keeps the default trial', () => {
  expect(isStandardExport(DEFAULT_BUNDLE_DIR)).toBe(false);
  expect(defaultLabTrial(DEFAULT_BUNDLE_DIR)).toBe(DEFAULT_LAB_TRIAL);
  expect(defaultLabTrial(undefined)).toBe(DEFAULT_LAB_TRIAL);
});

test('a standard export gets fixed prompts and a link and limits its latent fits', () => {
  expect(isStandardExport(TINY_SD_DIR)).toBe(true);
  const trial = parseTrialConfig(defaultLabTrial(TINY_SD_DIR));
  expect(trial.prompts).toEqual(STANDARD_EXPORT_PROMPTS);
  expect(worstLinkSeconds(trial)).toBeLessThan(trial.latency.failureS / 10);
  // The control: the project bundle's narrow link could not carry an SD-sized latent in time.
  const narrow = parseTrialConfig(DEFAULT_LAB_TRIAL);
  expect(worstLinkSeconds(narrow)).toBeGreaterThan(narrow.latency.failureS);
});
