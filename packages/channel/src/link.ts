/**
 * Link timing (paper eq. for L1): rate v = B·log2(1 + SNR_linear) bit/s for bandwidth B,
 * and transmission delay O/v for a payload of O bits. With emulation on, the caller awaits
 * `holdForTransmission` before delivering, so a trial's measured latency includes the delay.
 */

export type SleepFn = (ms: number) => Promise<void>;

/** Timer-based sleep; works in browsers and Node. */
export const DEFAULT_SLEEP: SleepFn = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function linkRateBps(bandwidthHz: number, snrDb: number): number {
  if (!(bandwidthHz > 0) || !Number.isFinite(bandwidthHz)) {
    throw new TypeError(`bandwidthHz must be a positive number, got ${bandwidthHz}`);
  }
  if (!Number.isFinite(snrDb)) throw new TypeError(`snrDb must be finite, got ${snrDb}`);
  return bandwidthHz * Math.log2(1 + Math.pow(10, snrDb / 10));
}

/** O/v seconds for `bits` bits. */
export function transmissionSeconds(bits: number, bandwidthHz: number, snrDb: number): number {
  if (!(bits >= 0) || !Number.isFinite(bits)) throw new TypeError(`payload bits must be >= 0, got ${bits}`);
  return bits / linkRateBps(bandwidthHz, snrDb);
}

export interface HoldOptions {
  /** Hold only when true (the config's `link.emulate`). */
  emulate: boolean;
  /** Injected sleep (default: setTimeout). */
  sleep?: SleepFn;
}

/** Waits `seconds` when emulating; resolves to the seconds actually requested to wait. */
export async function holdForTransmission(
  seconds: number,
  { emulate, sleep = DEFAULT_SLEEP }: HoldOptions,
): Promise<number> {
  if (!(seconds >= 0) || !Number.isFinite(seconds)) {
    throw new TypeError(`seconds must be a finite number >= 0, got ${seconds}`);
  }
  if (!emulate || seconds === 0) return 0;
  await sleep(seconds * 1000);
  return seconds;
}
