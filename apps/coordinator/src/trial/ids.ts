/** Trial and request ids (NATS subject tokens) and the seed of a regeneration. */
import { randomBytes } from 'node:crypto';

/** `<name>-<yyyymmdd-hhmmss>-<4 hex>`, e.g. `snr-sweep-20260101-120000-a3f9` (≤ 48 chars). */
export function makeTrialId(name: string, now = new Date()): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 24) || 'trial';
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${slug}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Request k of a trial: `<trial id (first 48 chars)>-r<k>`, unique within the trial. */
export function requestIdFor(trialId: string, index: number): string {
  return `${trialId.slice(0, 48)}-r${index}`;
}

/**
 * A quality-gate regeneration must draw a new image, so it gets a new seed:
 * seed + n·REGENERATION_SEED_STRIDE (mod 2³¹). Retries after a lost edge keep the seed.
 */
export const REGENERATION_SEED_STRIDE = 1_000_003;

export function regenerationSeed(seed: number, regeneration: number): number {
  return (seed + regeneration * REGENERATION_SEED_STRIDE) % 2 ** 31;
}
