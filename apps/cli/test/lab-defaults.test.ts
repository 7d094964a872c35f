/**
 * The embedded lab's default trial per bundle: the project bundle keeps its grammar prompts and
 * narrow link; a standard Stable Diffusion export gets fixed prompts and the paper's time scale,
 * so that its 4×64×64 latent crosses the link (N/2 complex channel uses at the link's symbol
 * rate, the physical layer the edge charges) far within the failure limit.
 */
import { analogLatentS } from '@semaigc/channel';
import { parseTrialConfig } from '@semaigc/coordinator';
import { DEFAULT_BUNDLE_DIR, TINY_SD_DIR } from '@semaigc/models';
import {
  DEFAULT_LAB_TRIAL,
  STANDARD_EXPORT_PROMPTS,
  defaultLabTrial,
  isStandardExport,
} from '../src/live/defaults';

const SD_LATENT_ELEMENTS = 4 * 64 * 64;

function sdLatentSeconds(trial: ReturnType<typeof parseTrialConfig>): number {
  if (trial.channel.mode !== 'analog') throw new Error(`expected an analog link, got ${trial.channel.mode}`);
  return analogLatentS({ latentElements: SD_LATENT_ELEMENTS }, trial.channel.link.bandwidthHz);
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
  expect(sdLatentSeconds(trial)).toBeCloseTo(8192 / 1e6, 9);
  expect(sdLatentSeconds(trial)).toBeLessThan(trial.latency.minS / 100);
  // The paper's time scale, not the small bundle's band, which an SD step on a CPU alone exceeds.
  expect(trial.latency).toEqual({ minS: 5, maxS: 25, failureS: 60 });
  expect(parseTrialConfig(DEFAULT_LAB_TRIAL).latency.failureS).toBeLessThan(trial.latency.failureS);
});
