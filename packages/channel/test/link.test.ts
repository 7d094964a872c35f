import {
  createChannel,
  DEFAULT_SLEEP,
  holdDelivery,
  holdForTransmission,
  linkRateBps,
  transmissionSeconds,
  analogPhyMeta,
} from '../src';
import { latent } from './helpers';

/** A real sleep that records what it was asked for and resolves at once. */
function recordingSleep(): { calls: number[]; sleep: (ms: number) => Promise<void> } {
  const calls: number[] = [];
  return { calls, sleep: (ms) => (calls.push(ms), Promise.resolve()) };
}

describe('link timing', () => {
  test('v = B·log2(1 + SNR), delay O/v', () => {
    expect(linkRateBps(20e6, 0)).toBeCloseTo(20e6, 6);
    expect(linkRateBps(1e6, 10)).toBeCloseTo(1e6 * Math.log2(11), 6);
    expect(transmissionSeconds(8e6, 1e6, 10)).toBeCloseTo(8 / Math.log2(11), 12);
    expect(() => linkRateBps(-1, 10)).toThrow(/bandwidthHz/);
    expect(() => transmissionSeconds(-5, 1e6, 10)).toThrow(TypeError);
  });

  test('meta.txSeconds is the analog latent’s N/2 channel uses at B, whatever the SNR; meta.phy says so', () => {
    const x = latent([1], 4096);
    const at = (snrDb: number) =>
      createChannel({ mode: 'analog', snrDb, link: { bandwidthHz: 5e6, emulate: true } }).transmit(x, {
        seed: 1,
      });
    const r = at(15);
    expect(r.meta.txSeconds).toBeCloseTo(2048 / 5e6, 15);
    expect(r.meta.txEmulated).toBe(true);
    expect(r.holdSeconds).toBe(r.meta.txSeconds);
    expect(r.meta.phy).toEqual(analogPhyMeta(4096, 5e6));
    expect(r.meta.phy).toMatchObject({ link: 'analog', channelUses: 2048, mcs: null, harqRounds: null });
    // An analog link's SNR changes the noise, not the time (the paper's O/v would be 6x slower at −6 dB).
    expect(at(-6).meta.txSeconds).toBe(r.meta.txSeconds);
    expect(transmissionSeconds(32 * 4096, 5e6, -6)).toBeGreaterThan(100 * r.meta.txSeconds);
  });

  test('holdForTransmission waits only when emulating', async () => {
    const off = recordingSleep();
    await expect(holdForTransmission(0.25, { emulate: false, sleep: off.sleep })).resolves.toBe(0);
    expect(off.calls).toEqual([]);
    const on = recordingSleep();
    await expect(holdForTransmission(0.25, { emulate: true, sleep: on.sleep })).resolves.toBe(0.25);
    expect(on.calls).toEqual([250]);
    await expect(holdForTransmission(-1, { emulate: true })).rejects.toThrow(TypeError);
    // The default timer-based sleep resolves.
    await expect(holdForTransmission(0.001, { emulate: true })).resolves.toBe(0.001);
    await expect(DEFAULT_SLEEP(0)).resolves.toBeUndefined();
  });

  test('holdDelivery waits the result holdSeconds, nothing when not emulating', async () => {
    const x = latent([1], 64);
    const s = recordingSleep();
    const off = createChannel({ mode: 'analog', snrDb: 0 }).transmit(x, { seed: 1 });
    await expect(holdDelivery(off, s.sleep)).resolves.toBe(0);
    const on = createChannel({
      mode: 'analog',
      snrDb: 0,
      link: { bandwidthHz: 1e3, emulate: true },
    }).transmit(x, {
      seed: 1,
    });
    await expect(holdDelivery(on, s.sleep)).resolves.toBeCloseTo(32 / 1e3, 12); // 64 reals = 32 channel uses
    expect(s.calls).toEqual([on.holdSeconds * 1000]);
  });
});
