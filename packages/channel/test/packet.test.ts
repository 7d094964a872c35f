import {
  createChannel,
  drawDelays,
  drawLosses,
  elementsPerPacket,
  expectedLossRate,
  gilbertElliottBadShare,
  rngFor,
} from '../src';
import { binomialInterval, latent } from './helpers';

describe('loss models', () => {
  test('Bernoulli: lost count inside the 99% binomial interval', () => {
    const n = 200_000;
    const lost = drawLosses({ kind: 'bernoulli', p: 0.03 }, n, rngFor(1, 'loss'));
    const count = lost.reduce((a, b) => a + b, 0);
    const [lo, hi] = binomialInterval(n, 0.03);
    expect(count).toBeGreaterThanOrEqual(lo);
    expect(count).toBeLessThanOrEqual(hi);
  });

  test('Gilbert–Elliott: long-run loss rate π_B and mean burst length 1/P(B→G), within 5%', () => {
    const loss = {
      kind: 'gilbert-elliott',
      pGoodToBad: 0.02,
      pBadToGood: 0.25,
      lossGood: 0,
      lossBad: 1,
    } as const;
    const n = 400_000;
    const lost = drawLosses(loss, n, rngFor(2, 'loss'));
    let count = 0;
    let bursts = 0;
    for (let k = 0; k < n; k++) {
      count += lost[k]!;
      if (lost[k] && !lost[k - 1]) bursts++;
    }
    expect(gilbertElliottBadShare(0.02, 0.25)).toBeCloseTo(0.02 / 0.27, 15);
    expect(Math.abs(count / n / expectedLossRate(loss) - 1)).toBeLessThan(0.05);
    expect(Math.abs(count / bursts / 4 - 1)).toBeLessThan(0.05);
  });

  test('Gilbert–Elliott losses come in bursts, Bernoulli at the same rate does not', () => {
    const n = 100_000;
    const ge = drawLosses(
      { kind: 'gilbert-elliott', pGoodToBad: 0.01, pBadToGood: 0.1, lossGood: 0, lossBad: 1 },
      n,
      rngFor(3, 'loss'),
    );
    const rate = ge.reduce((a, b) => a + b, 0) / n;
    const be = drawLosses({ kind: 'bernoulli', p: rate }, n, rngFor(3, 'loss'));
    const pairs = (m: Uint8Array): number => m.reduce((a, v, k) => a + (v && m[k + 1] ? 1 : 0), 0);
    // P(next lost | lost) is 0.9 for the chain and `rate` (~0.09) for Bernoulli.
    expect(pairs(ge) / ge.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.85);
    expect(pairs(be) / be.reduce((a, b) => a + b, 0)).toBeLessThan(0.15);
  });

  test('no loss model loses nothing', () => {
    expect(drawLosses({ kind: 'none' }, 100, rngFor(1, 'loss')).every((v) => v === 0)).toBe(true);
  });
});

describe('delay and jitter', () => {
  test('per-packet delay in [delay − jitter, delay + jitter] (clamped at 0), mean delay', () => {
    const d = drawDelays(100_000, 20, 5, rngFor(4, 'delay'));
    expect(Math.min(...d)).toBeGreaterThanOrEqual(0.015);
    expect(Math.max(...d)).toBeLessThanOrEqual(0.025);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    // Uniform ±5 ms: standard error 5/√3/√n ms.
    expect(Math.abs(mean - 0.02)).toBeLessThan(((5 * 0.005) / Math.sqrt(3) / Math.sqrt(d.length)) * 5);
    expect(Math.min(...drawDelays(1000, 1, 5, rngFor(4, 'delay')))).toBe(0);
  });
});

describe('packet impairments on a transmitted latent', () => {
  const x = latent([1, 1], 8192);
  const packet = {
    loss: { kind: 'bernoulli', p: 0.2 },
    packetBytes: 1024,
    delayMs: 10,
    jitterMs: 2,
  } as const;

  test('lost packets zero-fill their elements and are flagged; the rest is the plain channel output', () => {
    const plain = createChannel({ mode: 'analog', snrDb: 10 }).transmit(x, { seed: 6 });
    const lossy = createChannel({ mode: 'analog', snrDb: 10, packet }).transmit(x, { seed: 6 });
    const per = elementsPerPacket(1024, 32);
    expect(per).toBe(256);
    expect(lossy.meta.packetsSent).toBe(x.length / per);
    expect(lossy.meta.packetsLost).toBeGreaterThan(0);
    const erased = lossy.erased!;
    let erasedCount = 0;
    for (let i = 0; i < x.length; i++) {
      if (erased[i]) {
        erasedCount++;
        expect(lossy.output[i]).toBe(0);
      } else {
        expect(lossy.output[i]).toBe(plain.output[i]);
      }
    }
    expect(erasedCount).toBe(lossy.meta.packetsLost! * per);
    // The measured SNR counts delivered elements only.
    expect(Math.abs(lossy.meta.snrDbMeasured! - 10)).toBeLessThan(0.3);
    expect(lossy.meta.packetDelaySeconds).toBeGreaterThanOrEqual(0.008);
    expect(lossy.meta.packetDelaySeconds).toBeLessThanOrEqual(0.012);
    expect(lossy.holdSeconds).toBe(lossy.meta.packetDelaySeconds);
  });

  test('digital payload: q bits per element per packet; BER counts delivered elements only', () => {
    const { meta, erased } = createChannel({
      mode: 'digital',
      snrDb: 8,
      digital: { bits: 4, modulation: '16qam' },
      packet: { ...packet, packetBytes: 64 },
    }).transmit(x, { seed: 2 });
    expect(meta.packetsSent).toBe(x.length / 128);
    expect(erased!.reduce((a, b) => a + b, 0)).toBe(meta.packetsLost! * 128);
    expect(meta.bitErrorRate).toBeGreaterThan(0);
    expect(meta.bitErrorRate).toBeLessThan(0.1);
  });

  test('ideal mode applies no packet impairments', () => {
    const r = createChannel({ mode: 'ideal', snrDb: 10, packet }).transmit(x, { seed: 1 });
    expect(r.erased).toBeNull();
    expect(r.meta.packetsLost).toBeUndefined();
  });
});
