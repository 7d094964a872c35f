/**
 * One receiver step of each variant, and the timestep helpers, against values the Python side
 * computed from the equations (scripts/pretrain/step_fixtures.py writes the fixture; regenerate
 * it with `/usr/bin/python3 scripts/pretrain/step_fixtures.py` when the math changes on purpose).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DDIMScheduler,
  effectiveTimestep,
  parseSchedulerConfig,
  planReceiver,
  prop1Coefficients,
  receiverUpdate,
  respacedTimesteps,
  RECEIVER_VARIANTS,
  type ReceiverVariant,
} from '../src';

interface StepCase {
  variant: ReceiverVariant;
  fromIndex: number;
  sigma2: number;
  plan: {
    timesteps: number[];
    prevTimesteps: number[];
    inputScale: number;
    tStar: number | null;
    noiseLevels: number[];
  };
  latent: number[];
  eps: number[];
  fresh: number[];
  steps: { j: number; out: number[]; coefficients: { c: number; sigmaBar: number } | null }[];
}

interface Fixture {
  totalSteps: number;
  scheduler: unknown;
  timesteps: number[];
  effectiveTimestep: { tau: number; sigma2: number; tStar: number }[];
  respacedTimesteps: { tStar: number; tLast: number; k: number; timesteps: number[] }[];
  steps: StepCase[];
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'receiver-steps.json'), 'utf8'),
) as Fixture;

function scheduler(): DDIMScheduler {
  const s = new DDIMScheduler(parseSchedulerConfig(fixture.scheduler));
  s.setTimesteps(fixture.totalSteps);
  return s;
}

/** Relative closeness for float64 coefficients computed in a different order. */
function expectClose(actual: number, expected: number, rel = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

test('the schedule is the one the Python side used', () => {
  expect(scheduler().timesteps).toEqual(fixture.timesteps);
});

test('effectiveTimestep matches the Python search for every (τ, σ²)', () => {
  const s = scheduler();
  expect(fixture.effectiveTimestep.length).toBeGreaterThan(40);
  for (const c of fixture.effectiveTimestep)
    expect([c, effectiveTimestep(s, c.tau, c.sigma2)]).toEqual([c, c.tStar]);
});

test('respacedTimesteps matches the Python spacing', () => {
  for (const c of fixture.respacedTimesteps)
    expect(respacedTimesteps(c.tStar, c.tLast, c.k)).toEqual(c.timesteps);
});

test('the fixture covers every receiver variant', () => {
  expect(new Set(fixture.steps.map((c) => c.variant))).toEqual(new Set(RECEIVER_VARIANTS));
});

describe.each(fixture.steps.map((c) => [`${c.variant} a=${c.fromIndex} σ²=${c.sigma2}`, c] as const))(
  'receiver step %s',
  (_name, c) => {
    const s = scheduler();
    const plan = planReceiver(s, c.variant, c.fromIndex, c.sigma2);

    test('plan: timesteps, t*, input scale and noise levels', () => {
      expect(plan.timesteps).toEqual(c.plan.timesteps);
      expect(plan.prevTimesteps).toEqual(c.plan.prevTimesteps);
      expect(plan.tStar).toBe(c.plan.tStar);
      expectClose(plan.inputScale, c.plan.inputScale);
      expect(plan.noiseLevels).toHaveLength(c.plan.noiseLevels.length);
      plan.noiseLevels.forEach((v, k) => expectClose(v, c.plan.noiseLevels[k]!));
    });

    test.each(c.steps.map((st) => [st.j, st] as const))('step %i matches', (j, st) => {
      const z = Float32Array.from(c.latent, (v) => v * plan.inputScale);
      const out = receiverUpdate(s, plan, j, z, Float32Array.from(c.eps), Float32Array.from(c.fresh));
      // float32 latents; Python rounds the rescaled input differently by up to one ulp
      let worst = 0;
      out.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - st.out[i]!) / (1 + Math.abs(st.out[i]!)))));
      expect(worst).toBeLessThan(1e-5);
      if (st.coefficients) {
        const t = plan.timesteps[j]!;
        const last = j + 1 === plan.timesteps.length;
        const co = prop1Coefficients(
          s.alphaAt(t),
          s.alphaAt(plan.prevTimesteps[j]!),
          plan.noiseLevels[j]!,
          last ? 0 : plan.noiseLevels[j + 1]!,
          plan.eta,
        );
        expectClose(co.c, st.coefficients.c);
        expectClose(co.sigmaBar, st.coefficients.sigmaBar);
      }
    });
  },
);

test('prop1-eta1 refuses to step without fresh noise', () => {
  const s = scheduler();
  const plan = planReceiver(s, 'prop1-eta1', 10, 0.5);
  const z = new Float32Array(8).fill(0.3);
  expect(() => receiverUpdate(s, plan, 0, z, z)).toThrow(/fresh noise/);
});
