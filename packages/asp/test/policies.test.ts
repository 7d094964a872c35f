import {
  AGOD_CODE_PROFILE,
  AspEnv,
  CrashAvoidPolicy,
  ProphetPolicy,
  RandomPolicy,
  RoundRobinPolicy,
  drawWorld,
  evaluatePolicy,
  evaluationEpisodeSeed,
  heuristicPolicy,
  runtimeSeconds,
  trainEpisodeSeed,
  validationEpisodeSeed,
  worldSeed,
  HEURISTIC_NAMES,
  type Asp,
  type AspPolicy,
  type Task,
} from '@semaigc/asp';

const profile = { ...AGOD_CODE_PROFILE, nAsps: 3 };
const asps: Asp[] = [
  { id: 0, capacity: 400, curve: { ax: 0, ay: 0, bx: 200, by: 0.9 } }, // best quality, small
  { id: 1, capacity: 900, curve: { ax: 0, ay: 0, bx: 200, by: 0.3 } }, // worst quality, big
  { id: 2, capacity: 600, curve: { ax: 0, ay: 0, bx: 200, by: 0.6 } },
];
const stream = (steps: number[]): Task[] =>
  steps.map((s, i) => ({ index: i, arrival: i, steps: s, runtime: runtimeSeconds(s) }));

function decisions(policy: AspPolicy, steps: number[]): number[] {
  const env = new AspEnv(profile, asps);
  let obs = env.start(stream(steps));
  policy.reset(1);
  const out: number[] = [];
  for (;;) {
    const a = policy.decide(env, obs);
    out.push(a);
    if (env.step(a).done) return out;
    obs = env.observe();
  }
}

describe('heuristics', () => {
  test('round robin cycles through the ASPs and restarts each episode', () => {
    const p = new RoundRobinPolicy();
    expect(decisions(p, [100, 100, 100, 100, 100])).toEqual([0, 1, 2, 0, 1]);
    expect(decisions(p, [100, 100])).toEqual([0, 1]);
  });

  test('crash avoid picks the ASP with the most available steps', () => {
    // 900 free → 1; then 900−250 = 650 vs 600 vs 400 → 1; then 400 vs 600 vs 400 → 2 …
    expect(decisions(new CrashAvoidPolicy(), [250, 250, 250, 250])).toEqual([1, 1, 2, 0]);
  });

  test('the prophet picks the best ASP that has room, and never crashes when one has', () => {
    // 0 is best: 250 fits; next 200 no longer fits in 0 (150 left) → 2 (0.6); then 150 fits in 0 again.
    expect(decisions(new ProphetPolicy(), [250, 200, 150])).toEqual([0, 2, 0]);
    const env = new AspEnv(profile, asps);
    const seeds = [1, 2].map((k) => evaluationEpisodeSeed(1, k));
    const real = new AspEnv(AGOD_CODE_PROFILE, drawWorld(AGOD_CODE_PROFILE, worldSeed(1)));
    expect(evaluatePolicy(real, new ProphetPolicy(), seeds).crashRate).toBe(0);
    expect(env.nAsps).toBe(3);
  });

  test('random is seeded per episode and blind to capacity', () => {
    const a = decisions(new RandomPolicy(5), Array<number>(60).fill(100));
    expect(decisions(new RandomPolicy(5), Array<number>(60).fill(100))).toEqual(a);
    expect(new Set(a)).toEqual(new Set([0, 1, 2]));
  });

  test('ordering on the paper setting: random < round robin < crash avoid < prophet', () => {
    const env = new AspEnv(AGOD_CODE_PROFILE, drawWorld(AGOD_CODE_PROFILE, worldSeed(2)));
    const seeds = [evaluationEpisodeSeed(2, 0)];
    const r = HEURISTIC_NAMES.map((n) => evaluatePolicy(env, heuristicPolicy(n, 2), seeds).testReward);
    expect(r[0]).toBeLessThan(r[1]!);
    expect(r[1]).toBeLessThan(r[2]!);
    expect(r[2]).toBeLessThan(r[3]!);
  });
});

describe('common random numbers', () => {
  test('every policy meets the same tasks at the same times for one episode seed', () => {
    const env = new AspEnv(AGOD_CODE_PROFILE, drawWorld(AGOD_CODE_PROFILE, worldSeed(3)));
    const seen = (policy: AspPolicy): string[] => {
      const out: string[] = [];
      let obs = env.reset(evaluationEpisodeSeed(3, 0));
      policy.reset(0);
      for (;;) {
        out.push(`${env.task.arrival}:${env.task.steps}`);
        if (env.step(policy.decide(env, obs)).done) return out;
        obs = env.observe();
      }
    };
    const base = seen(new RandomPolicy(1));
    for (const p of [new RoundRobinPolicy(), new CrashAvoidPolicy(), new ProphetPolicy()])
      expect(seen(p)).toEqual(base);
    expect(seen(new RandomPolicy(1)).length).toBeGreaterThan(900);
  });

  test('training, validation and evaluation episodes never share a seed', () => {
    const train = new Set(Array.from({ length: 2000 }, (_, e) => trainEpisodeSeed(1, e)));
    for (let k = 0; k < 50; k++) {
      expect(train.has(validationEpisodeSeed(1, k))).toBe(false);
      expect(train.has(evaluationEpisodeSeed(1, k))).toBe(false);
      expect(validationEpisodeSeed(1, k)).not.toBe(evaluationEpisodeSeed(1, k));
    }
  });
});
