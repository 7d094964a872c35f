import {
  AGOD_CODE_PROFILE,
  AspEnv,
  LEARNER_NAMES,
  LearnerPolicy,
  QUICK_BUDGET,
  drawWorld,
  evaluatePolicy,
  evaluationEpisodeSeed,
  fromCheckpoint,
  heuristicPolicy,
  toCheckpoint,
  trainLearner,
  vpSchedule,
  worldSeed,
  type AspProfile,
} from '@semaigc/asp';
import * as path from 'node:path';
import { createRng, initTensorflow } from '@semaigc/root';

// The wasm backend, as training uses; from Node it needs the directory of its .wasm files.
beforeAll(async () => {
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  await initTensorflow('wasm', { wasmPaths: path.dirname(wasmFile) + path.sep });
});

// A small world: 4 ASPs and ≈ 30 tasks per episode, so an episode takes milliseconds.
const tiny: AspProfile = { ...AGOD_CODE_PROFILE, nAsps: 4, episodeSeconds: 100_000, arrivalRate: 0.0003 };

describe('learners: --quick smoke', () => {
  test.each(LEARNER_NAMES)(
    '%s trains end to end with finite losses, and its checkpoint acts the same',
    (name) => {
      const r = trainLearner({ algorithm: name, profile: tiny, seed: 1, config: QUICK_BUDGET });
      expect(r.history).toHaveLength(QUICK_BUDGET.epochs!);
      const last = r.history[r.history.length - 1]!;
      expect(last.updates).toBe(QUICK_BUDGET.epochs! * QUICK_BUDGET.updatesPerEpoch!);
      expect(Number.isFinite(last.criticLoss)).toBe(true);
      if (name !== 'dqn') expect(Number.isFinite(last.actorLoss)).toBe(true);
      expect(Number.isFinite(last.testReward)).toBe(true);

      const copy = fromCheckpoint(JSON.parse(JSON.stringify(toCheckpoint(r.learner))));
      const obs = new AspEnv(tiny, drawWorld(tiny, worldSeed(1))).reset(5);
      const a = Array.from({ length: 5 }, (_, i) => r.learner.act(obs, false, createRng(i)));
      expect(Array.from({ length: 5 }, (_, i) => copy.act(obs, false, createRng(i)))).toEqual(a);
      copy.dispose();
      r.learner.dispose();
    },
  );

  test('the D2SAC schedule: VP betas, no noise on the last denoising step', () => {
    const s = vpSchedule(5, 0.1, 10);
    expect(s.sigma[0]).toBe(0);
    expect(s.sigma.slice(1).every((x) => x > 0)).toBe(true);
    // x̂_0 = √(1/ᾱ)·x − √(1/ᾱ − 1)·ε: both coefficients grow with t.
    expect(s.sqrtRecipAlphaBar[4]!).toBeGreaterThan(s.sqrtRecipAlphaBar[0]!);
    expect(s.sqrtRecipM1AlphaBar[0]!).toBeGreaterThan(0);
  });
});

describe('learning', () => {
  // Can fail: DQN must learn, from rewards alone, to avoid full ASPs well enough to beat a
  // random choice on held-out episodes of both worlds.
  test('DQN beats random on a tiny setting after a short budget', () => {
    for (const seed of [1, 2]) {
      const r = trainLearner({
        algorithm: 'dqn',
        profile: tiny,
        seed,
        config: {
          epochs: 16,
          stepsPerEpoch: 200,
          updatesPerEpoch: 60,
          batchSize: 32,
          hiddenUnits: 64,
          testEvery: 100,
          dqnWarmupSteps: 64,
          dqnTargetUpdateEvery: 50,
        },
      });
      const env = new AspEnv(tiny, drawWorld(tiny, worldSeed(seed)));
      const episodes = [0, 1, 2, 3].map((k) => evaluationEpisodeSeed(seed, k));
      const dqn = evaluatePolicy(env, new LearnerPolicy(r.learner, seed), episodes);
      const random = evaluatePolicy(env, heuristicPolicy('random', seed), episodes);
      expect(dqn.testReward).toBeGreaterThan(random.testReward + 3);
      expect(dqn.crashRate).toBeLessThan(random.crashRate);
      r.learner.dispose();
    }
  }, 120_000);
});
