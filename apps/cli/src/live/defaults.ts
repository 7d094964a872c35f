/**
 * The embedded lab's default trial: 40 requests over an SNR sweep from −6 to 15 dB with the
 * edge running a = 10 of T̂ = 20 steps, analog AWGN with link timing emulated (an analog latent
 * of N reals takes N/2 channel uses at the link's symbol rate, at every SNR: packages/channel's
 * physical layer; on this small bundle that is well under a millisecond at 50 kHz, so the SNR
 * acts through quality, not latency), PSNR/SSIM against the channel-free
 * reference, and a latency band scaled to the small default model (the paper's 5–25 s band
 * is for Stable Diffusion on a GPU).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrialConfigInput } from '@semaigc/coordinator';

export const DEFAULT_LAB_TRIAL: TrialConfigInput = {
  name: 'lab-default',
  prompts: { generator: 'grammar', seed: 1, count: 40 },
  seeds: { base: 1000 },
  totalSteps: 20,
  policy: { kind: 'fixed', edgeSteps: 10 },
  channel: { mode: 'analog', link: { bandwidthHz: 50e3, emulate: true } },
  snr: { kind: 'sweep', valuesDb: [-6, -3, 0, 3, 6, 9, 12, 15] },
  requestsPerReceiver: 40,
  arrival: { kind: 'closed-loop' },
  latency: { minS: 0.5, maxS: 2, failureS: 20 },
  computeReference: true,
};

/** Where the browser receiver's build lives (served at /r/). */
export const RECEIVER_WEB_ROOT = path.resolve(__dirname, '..', '..', '..', 'receiver-web', 'dist');

/**
 * Prompts of the default trial for a standard Stable Diffusion export, which has no caption
 * grammar to draw prompts from (the project bundle's manifest names one).
 */
export const STANDARD_EXPORT_PROMPTS = [
  'a photograph of an astronaut riding a horse',
  'a red bicycle leaning against a blue wall',
  'a bowl of fruit on a wooden table, oil painting',
  'a lighthouse on a cliff at sunset',
];

/**
 * A standard export works at Stable Diffusion's size (4×64×64 latents at 512×512), where a step
 * takes seconds on a CPU, so it gets the SemAIGC paper's time scale: the lower end of the paper's
 * bandwidth range (1 MHz: 8.2 ms for the latent's 8192 channel uses), its 5–25 s latency band and
 * 60 s failure limit. (Sized when the link was charged 32 bits per element at Shannon capacity,
 * where the 50 kHz link would have taken ~32 s at −6 dB; the physical layer makes it 0.16 s.)
 */
export const STANDARD_EXPORT_TIMING: Pick<TrialConfigInput, 'channel' | 'latency'> = {
  channel: { mode: 'analog', link: { bandwidthHz: 1e6, emulate: true } },
  latency: { minS: 5, maxS: 25, failureS: 60 },
};

/** Whether `bundleDir` is a standard Stable Diffusion export (model_index.json, no manifest.json). */
export function isStandardExport(bundleDir: string): boolean {
  return (
    !fs.existsSync(path.join(bundleDir, 'manifest.json')) &&
    fs.existsSync(path.join(bundleDir, 'model_index.json'))
  );
}

/**
 * The default trial for `bundleDir`: grammar prompts on the default bundle's time scale, or for a
 * standard export a fixed prompt list on the paper's time scale.
 */
export function defaultLabTrial(bundleDir: string | undefined): TrialConfigInput {
  return bundleDir !== undefined && isStandardExport(bundleDir)
    ? { ...DEFAULT_LAB_TRIAL, ...STANDARD_EXPORT_TIMING, prompts: STANDARD_EXPORT_PROMPTS }
    : DEFAULT_LAB_TRIAL;
}
