import {
  D3qnPolicy,
  PAPER_PROFILE,
  ReplayBuffer,
  actionGrid,
  baselinePolicies,
  createRng,
  drawConditions,
  edgeAigcPolicy,
  expectedOutcome,
  initQNetwork,
  localAigcPolicy,
  nonFineTuningPolicy,
  nonRootPolicy,
  oraclePolicy,
  randomSplitPolicy,
  validateProfile,
  DEFAULT_FEATURES,
  FIGURE_POLICIES,
  type RequestConditions,
} from '@semaigc/root';

const grid = actionGrid('paper10', 20);
const base: RequestConditions = {
  edgeStepS: 0.2,
  deviceStepS: 0.368,
  snrDb: 15,
  edgeShare: 1,
  deviceCapability: 0.25,
  bandwidthHz: 20e6,
  targetS: 5,
  limitS: 10,
};

describe('baselines decide as the paper describes', () => {
  test('the paper10 grid is 2, 4, …, 20', () => {
    expect(grid).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(actionGrid('full', 4)).toEqual([0, 1, 2, 3, 4]);
  });

  test('fixed schemes ignore the state', () => {
    for (const state of [base, { ...base, snrDb: -6, edgeShare: 0.1 }]) {
      expect(nonRootPolicy(20).decide(state)).toEqual({ scheme: 'split', edgeSteps: 10 });
      expect(nonFineTuningPolicy(20).decide(state)).toEqual({ scheme: 'split', edgeSteps: 20 });
      expect(edgeAigcPolicy(20).decide(state)).toEqual({ scheme: 'edge-image', edgeSteps: 20 });
      expect(localAigcPolicy().decide(state)).toEqual({ scheme: 'local', edgeSteps: 0 });
    }
  });

  test('random picks from the grid, reproducibly per seed', () => {
    const a = randomSplitPolicy(grid, 3);
    const b = randomSplitPolicy(grid, 3);
    const picks = Array.from({ length: 50 }, () => a.decide(base).edgeSteps);
    expect(picks).toEqual(Array.from({ length: 50 }, () => b.decide(base).edgeSteps));
    expect(picks.every((x) => grid.includes(x))).toBe(true);
    expect(new Set(picks).size).toBeGreaterThan(5);
  });

  test('oracle: good channel, full edge share, slow device → everything on the edge', () => {
    // a = 20: 0.75 + 4 + 0.007 + 1.196/0.25 = 9.54 s; any a < 20 adds (20 − a)·0.368/0.25 − a·0.2
    expect(oraclePolicy(PAPER_PROFILE, grid).decide(base)).toEqual({ scheme: 'split', edgeSteps: 20 });
  });

  test('oracle: bad channel, 10% edge share, fast device → the fewest edge steps', () => {
    const state = { ...base, snrDb: -6, edgeShare: 0.1, deviceCapability: 1, targetS: 20, limitS: 40 };
    expect(oraclePolicy(PAPER_PROFILE, grid).decide(state)).toEqual({ scheme: 'split', edgeSteps: 2 });
  });

  test('oracle: bad channel, full edge share → as many edge steps as the quality gate allows', () => {
    // At −6 dB the gate needs ~12 receiver steps for a near-certain pass (q = 0.2 + 0.75·n/16).
    const state = { ...base, snrDb: -6, edgeShare: 1, deviceCapability: 1, targetS: 5, limitS: 10 };
    const a = oraclePolicy(PAPER_PROFILE, grid).decide(state).edgeSteps;
    expect(a).toBeGreaterThanOrEqual(6);
    expect(a).toBeLessThanOrEqual(10);
  });

  test('oracle is never beaten by any split of the grid in expectation (up to its 1e-9 tie tolerance)', () => {
    const table = validateProfile(PAPER_PROFILE);
    const oracle = oraclePolicy(PAPER_PROFILE, grid);
    for (const c of drawConditions(PAPER_PROFILE, 5, 4)) {
      const best = expectedOutcome(PAPER_PROFILE, table, c, oracle.decide(c)).satisfaction;
      for (const a of grid) {
        expect(best).toBeGreaterThanOrEqual(
          expectedOutcome(PAPER_PROFILE, table, c, { scheme: 'split', edgeSteps: a }).satisfaction - 1e-6,
        );
      }
    }
  });

  test("baselinePolicies lists all six: the figures' policies but ROOT and the scenario's hand rule, in their order", () => {
    expect(baselinePolicies(PAPER_PROFILE, grid, 1).map((p) => p.name)).toEqual(
      FIGURE_POLICIES.filter((p) => p !== 'root' && p !== 'deadline-greedy'),
    );
  });
});

describe('D3qnPolicy.observe feeds transitions to a sink (online-learning plug-in)', () => {
  test('(x, a, r, x′) on the next decision, terminal at the end of the session', () => {
    const weights = initQNetwork(DEFAULT_FEATURES.length, [8], grid.length, createRng(2));
    const sink = new ReplayBuffer(8, DEFAULT_FEATURES.length);
    const added: unknown[][] = [];
    const spy = {
      add: (...args: unknown[]) => (added.push(args), sink.add(...(args as Parameters<typeof sink.add>))),
    };
    const policy = new D3qnPolicy(weights, grid, DEFAULT_FEATURES, { sink: spy });
    const s1 = base;
    const s2 = { ...base, snrDb: 0 };
    const d1 = policy.decide(s1);
    policy.observe(s1, d1, 7.5); // Ľ = 5, L̂ = 10 → r = 0.5
    expect(added).toHaveLength(0);
    const d2 = policy.decide(s2);
    expect(added).toHaveLength(1);
    expect(added[0]!.slice(1, 3)).toEqual([grid.indexOf(d1.edgeSteps), 0.5]);
    expect(added[0]![4]).toBe(false);
    policy.observe(s2, d2, Infinity); // failed → r = 0
    policy.endSession();
    expect(added).toHaveLength(2);
    expect(added[1]!.slice(2)).toEqual([0, expect.any(Float32Array), true]);
    expect(sink.size).toBe(2);
  });
});
