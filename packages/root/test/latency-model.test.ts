import {
  PAPER_PROFILE,
  attemptLatency,
  linkRateBps,
  partsTotal,
  setupLatency,
  type RequestConditions,
} from '@semaigc/root';

const cond: RequestConditions = {
  edgeStepS: 0.2,
  deviceStepS: 0.368,
  snrDb: 0,
  edgeShare: 0.5,
  deviceCapability: 0.5,
  bandwidthHz: 20e6,
  targetS: 10,
  limitS: 20,
};

describe('latency model (eq. 19-20) against hand-computed values', () => {
  test('Shannon rate v = B·log2(1 + SNR)', () => {
    expect(linkRateBps(20e6, 0)).toBeCloseTo(20e6, 6); // log2(1 + 1) = 1
    expect(linkRateBps(1e6, 10 * Math.log10(3))).toBeCloseTo(2e6, 6); // log2(1 + 3) = 2
  });

  test('SemAIGC split a = 10 at share 0.5, capability 0.5, 20 MHz, 0 dB', () => {
    const d = { scheme: 'split', edgeSteps: 10 } as const;
    // text encoding on the edge: 0.75 / 0.5
    expect(partsTotal(setupLatency(PAPER_PROFILE, cond, d))).toBeCloseTo(1.5, 12);
    const a = attemptLatency(PAPER_PROFILE, cond, d);
    expect(a.edgeS).toBeCloseTo((10 * 0.2) / 0.5, 12); // 4 s
    expect(a.transmitS).toBeCloseTo(131072 / 20e6, 12); // 4·64·64·8 bits at 20 Mbit/s
    expect(a.deviceS).toBeCloseTo((10 * 0.368 + 1.196) / 0.5, 12); // 9.752 s
    expect(partsTotal(a)).toBeCloseTo(4 + 0.0065536 + 9.752, 9);
  });

  test('a = T̂ leaves the device only the VAE decode; a = 0 leaves the edge nothing per attempt', () => {
    const all = attemptLatency(PAPER_PROFILE, cond, { scheme: 'split', edgeSteps: 20 });
    expect(all.deviceS).toBeCloseTo(1.196 / 0.5, 12);
    const none = attemptLatency(PAPER_PROFILE, cond, { scheme: 'split', edgeSteps: 0 });
    expect(none.edgeS).toBe(0);
  });

  test('Edge AIGC decodes on the edge (VAE scaled by t_e/t_d) and sends 512x512x3x8 bits', () => {
    const d = { scheme: 'edge-image', edgeSteps: 20 } as const;
    const a = attemptLatency(PAPER_PROFILE, cond, d);
    expect(a.edgeS).toBeCloseTo((20 * 0.2 + (1.196 * 0.2) / 0.368) / 0.5, 12); // 9.3 s
    expect(a.transmitS).toBeCloseTo(6291456 / 20e6, 12);
    expect(a.deviceS).toBe(0);
  });

  test('Local AIGC runs text encoding (scaled by t_d/t_e) and everything else on the device', () => {
    const d = { scheme: 'local', edgeSteps: 0 } as const;
    expect(setupLatency(PAPER_PROFILE, cond, d).deviceS).toBeCloseTo((0.75 * (0.368 / 0.2)) / 0.5, 12);
    const a = attemptLatency(PAPER_PROFILE, cond, d);
    expect(a.edgeS).toBe(0);
    expect(a.transmitS).toBe(0);
    expect(a.deviceS).toBeCloseTo((20 * 0.368 + 1.196) / 0.5, 12);
  });

  test('edge steps outside [0, T̂] are TypeErrors', () => {
    expect(() => attemptLatency(PAPER_PROFILE, cond, { scheme: 'split', edgeSteps: 21 })).toThrow(
      /edgeSteps/,
    );
    expect(() => attemptLatency(PAPER_PROFILE, cond, { scheme: 'split', edgeSteps: 1.5 })).toThrow(TypeError);
  });
});
