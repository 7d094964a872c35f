import {
  analogPhyMeta,
  cqiFor,
  DEFAULT_PHY,
  digitalLink,
  imageLink,
  LTE_CQI_TABLE,
  transmitImage,
} from '../src';

const BITS = DEFAULT_PHY.imageBits; // 512×512 RGB, 6 291 456 bits = 525 blocks of 12 000

describe('physical layer (phy.ts)', () => {
  test('analog: ⌈N/2⌉ complex channel uses at B symbols/s', () => {
    expect(analogPhyMeta(16384, 1e6)).toMatchObject({ channelUses: 8192, txMs: 8.192, link: 'analog' });
    expect(analogPhyMeta(5, 1e3).channelUses).toBe(3); // an odd last element is paired with 0
    expect(() => analogPhyMeta(4, 0)).toThrow(/bandwidthHz/);
  });

  test('Edge AIGC image: the adapted CQI, one pass = bits/(B·η), HARQ rounds ≥ blocks, reproducible per seed', () => {
    const r = imageLink(BITS, 1e6, 10, 7);
    const cqi = cqiFor(10);
    expect(cqi.cqi).toBe(8); // 16QAM 490/1024: threshold 8.1 dB ≤ 10 dB < 10.3 dB
    expect(r.meta.mcs).toEqual({ cqi: 8, modulation: '16QAM', codeRate: 490 / 1024 });
    expect(r.meta.onePassMs).toBeCloseTo((BITS / (1e6 * cqi.efficiency)) * 1000, 9);
    expect(r.meta.blocks).toBe(525);
    expect(r.meta.harqRounds).toBeGreaterThanOrEqual(525);
    expect(r.meta.txMs).toBeCloseTo((r.meta.onePassMs! * r.meta.harqRounds!) / 525, 9);
    expect(r.seconds * 1000).toBeCloseTo(r.meta.txMs, 9);
    expect(imageLink(BITS, 1e6, 10, 7)).toEqual(r);
    expect(r.meta.bler).toBeCloseTo(digitalLink(DEFAULT_PHY, BITS, 1e6, 10).bler, 15);
  });

  test('retransmissions add time: below CQI 1 most blocks are resent; the mean time matches one pass/(1 − BLER)', () => {
    const bad = imageLink(BITS, 1e6, -8, 1);
    expect(bad.meta.mcs?.cqi).toBe(LTE_CQI_TABLE[0]!.cqi);
    expect(bad.meta.bler!).toBeGreaterThan(0.5);
    expect(bad.meta.harqRounds!).toBeGreaterThan(2 * bad.meta.blocks!);
    expect(bad.meta.txMs).toBeGreaterThan(2 * bad.meta.onePassMs!);
    // Over 40 seeds at 8.5 dB (BLER ≈ 4%): the sampled mean is the expectation within 1%.
    const link = digitalLink(DEFAULT_PHY, BITS, 1e6, 8.5);
    let sum = 0;
    for (let seed = 0; seed < 40; seed++) sum += imageLink(BITS, 1e6, 8.5, seed).seconds;
    expect(sum / 40 / link.expectedS).toBeCloseTo(1, 2);
    expect(link.expectedS).toBeGreaterThan(link.onePassS);
  });

  test('transmitImage: error-free delivery, held for the HARQ time only when emulating; errors name the field', () => {
    const cfg = { mode: 'analog', snrDb: 3, link: { bandwidthHz: 2e5, emulate: true } } as const;
    const t = transmitImage(BITS, cfg, { seed: 4 });
    expect(t.meta).toMatchObject({ mode: 'ideal', bitErrorRate: null, noiseVariance: 0 });
    expect(t.meta.phy).toEqual(imageLink(BITS, 2e5, 3, 4).meta);
    expect(t.holdSeconds).toBe(t.meta.txSeconds);
    expect(
      transmitImage(BITS, { ...cfg, link: { ...cfg.link, emulate: false } }, { seed: 4 }).holdSeconds,
    ).toBe(0);
    expect(() => transmitImage(0, cfg, { seed: 4 })).toThrow(/image bits/);
    expect(() => transmitImage(BITS, { ...cfg, snrDb: 'x' }, { seed: 4 })).toThrow(/snrDb/);
  });
});
