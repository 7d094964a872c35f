import {
  ConditionStream,
  PAPER_PROFILE,
  ProfileError,
  SplitEnv,
  convergence,
  createProcess,
  createRng,
  episodeRewards,
  evaluateAt,
  nonRootPolicy,
  oraclePolicy,
  toFeatures,
  trailingMean,
  validateProfile,
  actionGrid,
} from '@semaigc/root';

describe('conditions and the environment', () => {
  test('a Gauss-Markov process stays within its bounds and is reproducible', () => {
    const spec = { kind: 'gauss-markov', mean: 4.5, std: 7, rho: 0.8, min: -6, max: 15 } as const;
    const run = (): number[] => {
      const p = createProcess(spec);
      const rng = createRng(1);
      const xs = [p.reset(rng)];
      for (let i = 0; i < 2000; i++) xs.push(p.next(rng));
      return xs;
    };
    const xs = run();
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-6);
    expect(Math.max(...xs)).toBeLessThanOrEqual(15);
    expect(run()).toEqual(xs);
    // lag-1 correlation near ρ (clamping lowers it a little)
    const m = xs.reduce((a, b) => a + b) / xs.length;
    let num = 0;
    let den = 0;
    for (let i = 1; i < xs.length; i++) num += (xs[i]! - m) * (xs[i - 1]! - m);
    for (const x of xs) den += (x - m) ** 2;
    expect(num / den).toBeGreaterThan(0.7);
    expect(num / den).toBeLessThan(0.85);
  });

  test('same seed and episode → same requests; L̂ = min(2Ľ, failure limit)', () => {
    const a = new ConditionStream(PAPER_PROFILE, 9);
    const b = new ConditionStream(PAPER_PROFILE, 9);
    expect(b.reset(3)).toEqual(a.reset(3));
    expect(b.next()).toEqual(a.next());
    const c = a.next();
    expect(c.limitS).toBeCloseTo(Math.min(2 * c.targetS, 60), 12);
    expect(toFeatures(c).length).toBe(7);
  });

  test('an episode is requestsPerEpisode requests, the last one terminal, the luck shared across policies', () => {
    const env = new SplitEnv(PAPER_PROFILE, 5);
    env.reset(0);
    let steps = 0;
    let last;
    do {
      last = env.step({ scheme: 'split', edgeSteps: 10 });
      steps++;
    } while (!last.terminated);
    expect(steps).toBe(PAPER_PROFILE.requestsPerEpisode);
    expect(last.next).toBeNull();
    expect(() => env.state).toThrow(/reset/);
    // Two policies on the same seed: identical per-episode rewards for the same policy,
    // and the oracle is at least as good on average.
    const grid = actionGrid('paper10', 20);
    const fixed = episodeRewards(PAPER_PROFILE, nonRootPolicy(20), 5, 4);
    expect(episodeRewards(PAPER_PROFILE, nonRootPolicy(20), 5, 4)).toEqual(fixed);
    const [oracle, nonRoot] = evaluateAt(
      PAPER_PROFILE,
      [oraclePolicy(PAPER_PROFILE, grid), nonRootPolicy(20)],
      {
        seed: 2,
        episodes: 4,
      },
    );
    expect(oracle!.satisfaction).toBeGreaterThan(nonRoot!.satisfaction);
    expect(nonRoot!.edgeSteps).toBe(10);
  });

  test('pinning a condition holds it for every request', () => {
    const [s] = evaluateAt(PAPER_PROFILE, [nonRootPolicy(20)], { seed: 1, episodes: 1, pin: { snrDb: -6 } });
    const [t] = evaluateAt(PAPER_PROFILE, [nonRootPolicy(20)], { seed: 1, episodes: 1, pin: { snrDb: 15 } });
    expect(s!.satisfaction).toBeLessThan(t!.satisfaction);
  });

  test('an invalid profile names the field', () => {
    expect(() => validateProfile({ ...PAPER_PROFILE, edgeStepS: 0 })).toThrow(ProfileError);
    expect(() => validateProfile({ ...PAPER_PROFILE, edgeStepS: 0 })).toThrow(/edgeStepS/);
    const d = { ...PAPER_PROFILE.dynamics, edgeShare: { kind: 'uniform', min: 0, max: 1 } as const };
    expect(() => validateProfile({ ...PAPER_PROFILE, dynamics: d })).toThrow(/dynamics\.edgeShare/);
  });
});

describe('convergence summary', () => {
  test('episodes to 95% of the final reward, hand-computed', () => {
    // final (last 2) = 1; smoothed with window 2: 0, 0.25, 0.75, 0.975, 0.975, 1 → first ≥ 0.95 at episode 4
    const r = [0, 0.5, 1, 0.95, 1, 1];
    trailingMean(r, 2).forEach((v, i) => expect(v).toBeCloseTo([0, 0.25, 0.75, 0.975, 0.975, 1][i]!, 12));
    const c = convergence(r, { window: 2, finalWindow: 2 });
    expect(c.finalReward).toBe(1);
    expect(c.episodes).toBe(4);
    expect(convergence([0.5, 0.4, 1], { window: 1, finalWindow: 1, fraction: 1 }).episodes).toBe(3);
  });
});
