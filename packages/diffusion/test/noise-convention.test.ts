/**
 * The noise convention across languages. scripts/pretrain/step_fixtures.py re-implements the
 * TypeScript channel's seeded generator and analog AWGN in Python; here the TypeScript channel
 * must reproduce the fixture's noisy latents from the same seeds. The reverse direction: the
 * σ² the fine-tuning UNet was trained with (train.semantic_noise) and the per-step levels the
 * Python pipeline feeds it must be what the channel reports and the receiver feeds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fillGaussian, gaussian, rngFor, transmit } from '@semaigc/channel';
import { DDIMScheduler, planReceiver } from '../src';

interface Fixture {
  latent: number[];
  rng: { seed: number; purpose: string; uint32: number[]; firstGaussian: number }[];
  gaussians: { seed: number; purpose: string; values: number[] };
  channel: { snrDb: number; seed: number; noiseVariance: number; output: number[] }[];
  training: {
    snrDb: number[];
    sigma2: number[];
    receiverLevels: { fromIndex: number; sigma2: number; levels: number[] }[];
  };
}

const fx = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'noise-convention.json'), 'utf8'),
) as Fixture;
const latent = Float32Array.from(fx.latent);

test('seeded streams: the first draws of (seed, purpose) are the Python generator’s', () => {
  for (const c of fx.rng) {
    const r = rngFor(c.seed, c.purpose);
    expect([c.seed, c.purpose, ...Array.from({ length: 4 }, () => r.nextUint32())]).toEqual([
      c.seed,
      c.purpose,
      ...c.uint32,
    ]);
    expect(gaussian(rngFor(c.seed, c.purpose))).toBe(c.firstGaussian);
  }
});

test('2048 Gaussian draws, wedge and tail paths included, agree', () => {
  const out = new Float64Array(fx.gaussians.values.length);
  fillGaussian(rngFor(fx.gaussians.seed, fx.gaussians.purpose), out);
  // Math.exp/log of the rare slow path may differ from Python's in the last bit
  out.forEach((v, i) => expect(Math.abs(v - fx.gaussians.values[i]!)).toBeLessThan(1e-12));
});

test.each(fx.channel.map((c) => [c.snrDb, c.seed, c] as const))(
  'analog AWGN at %d dB, seed %d: σ² and the noisy latent are the Python ones',
  (snrDb, seed, c) => {
    const tx = transmit(latent, { mode: 'analog', snrDb }, { seed });
    expect(Math.abs(tx.meta.noiseVariance - c.noiseVariance)).toBeLessThan(1e-12 * c.noiseVariance);
    let worst = 0;
    tx.output.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - c.output[i]!))));
    expect(worst).toBeLessThan(1e-6);
  },
);

test('σ² per SNR is the convention the fine-tuning UNet was trained with', () => {
  fx.training.snrDb.forEach((snrDb, k) => {
    const tx = transmit(latent, { mode: 'analog', snrDb }, { seed: 1 });
    // training computes in float32 torch
    expect(Math.abs(tx.meta.noiseVariance / fx.training.sigma2[k]! - 1)).toBeLessThan(1e-6);
  });
});

test.each(fx.training.receiverLevels.map((c) => [c.fromIndex, c] as const))(
  'the fine-tuning UNet’s per-step noise levels from a = %i are the Python pipeline’s',
  (a, c) => {
    const s = new DDIMScheduler();
    s.setTimesteps(20);
    const plan = planReceiver(s, 'finetune', a, c.sigma2);
    expect(plan.noiseLevels).toHaveLength(c.levels.length);
    plan.noiseLevels.forEach((v, k) => expect(Math.abs(v / c.levels[k]! - 1)).toBeLessThan(1e-5));
  },
);
