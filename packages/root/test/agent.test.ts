import {
  CheckpointError,
  D3qnAgent,
  D3qnPolicy,
  DEFAULT_FEATURES,
  PAPER_PROFILE,
  ReplayBuffer,
  createRng,
  drawConditions,
  initTensorflow,
  parseCheckpoint,
  resolveD3qnConfig,
  toCheckpoint,
  toFeatures,
} from '@semaigc/root';

beforeAll(() => initTensorflow('wasm'));

/**
 * A tiny deterministic MDP with a known Q*: three one-hot states, two actions.
 *   s0: a0 → s1, r = 0          a1 → end, r = 0.5
 *   s1: a0 → end, r = 1          a1 → end, r = 0
 * With γ = 0.9: Q*(s0) = [0.9, 0.5], Q*(s1) = [1, 0]. Terminal transitions are stored with
 * x' = s2 whose (untrained) value must be masked out, or Q*(s0, a1) and Q*(s1, ·) come out wrong.
 */
describe('D3QN on a tiny deterministic MDP', () => {
  const s = [new Float32Array([1, 0, 0]), new Float32Array([0, 1, 0]), new Float32Array([0, 0, 1])] as const;
  const transitions: [Float32Array, number, number, Float32Array, boolean][] = [
    [s[0], 0, 0, s[1], false],
    [s[0], 1, 0.5, s[2], true],
    [s[1], 0, 1, s[2], true],
    [s[1], 1, 0, s[2], true],
  ];

  test('learns Q* and the optimal actions exactly', () => {
    const config = { hiddenUnits: [32], gamma: 0.9, learningRate: 3e-3, batchSize: 16, bufferSize: 64 };
    const agent = new D3qnAgent(3, 2, config, createRng(5));
    const buffer = new ReplayBuffer(64, 3);
    for (let k = 0; k < 16; k++) for (const t of transitions) buffer.add(...t);
    const rng = createRng(6);
    for (let step = 1; step <= 800; step++) {
      agent.learn(buffer.sample(16, rng));
      if (step % 20 === 0) agent.updateTarget();
    }
    expect(agent.greedyAction(s[0])).toBe(0);
    expect(agent.greedyAction(s[1])).toBe(0);
    const q0 = agent.qValues(s[0]);
    const q1 = agent.qValues(s[1]);
    expect(Math.abs(q0[0]! - 0.9)).toBeLessThan(0.03);
    expect(Math.abs(q0[1]! - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(q1[0]! - 1)).toBeLessThan(0.03);
    expect(Math.abs(q1[1]! - 0)).toBeLessThan(0.03);
    agent.dispose();
  });

  test('soft target updates (τ < 1) converge too', () => {
    const config = { hiddenUnits: [32], gamma: 0.9, learningRate: 3e-3, tau: 0.1 };
    const agent = new D3qnAgent(3, 2, config, createRng(9));
    const buffer = new ReplayBuffer(64, 3);
    for (let k = 0; k < 16; k++) for (const t of transitions) buffer.add(...t);
    const rng = createRng(10);
    for (let step = 1; step <= 800; step++) {
      agent.learn(buffer.sample(16, rng));
      agent.updateTarget();
    }
    expect(Math.abs(agent.qValues(s[0])[0]! - 0.9)).toBeLessThan(0.05);
    agent.dispose();
  });
});

describe('save and load', () => {
  test('a JSON round trip is bit-exact and decides identically', () => {
    const grid = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20];
    const config = resolveD3qnConfig({ hiddenUnits: [64, 64] });
    const agent = new D3qnAgent(DEFAULT_FEATURES.length, grid.length, config, createRng(11));
    const ckpt = toCheckpoint(agent.weights(), {
      profile: 'paper',
      totalSteps: 20,
      grid,
      features: [...DEFAULT_FEATURES],
      config,
      meta: { seed: 11 },
    });
    const loaded = parseCheckpoint(JSON.parse(JSON.stringify(ckpt)));
    expect(loaded.meta).toEqual({ seed: 11 });
    const before = agent.weights();
    expect(loaded.weights.hidden[0]!.w).toEqual(before.hidden[0]!.w);
    expect(loaded.weights.advantage.b).toEqual(before.advantage.b);

    const policy = D3qnPolicy.fromCheckpoint(loaded);
    const reloaded = new D3qnAgent(DEFAULT_FEATURES.length, grid.length, loaded.config, loaded.weights);
    for (const c of drawConditions(PAPER_PROFILE, 4, 10)) {
      const obs = toFeatures(c);
      const expected = grid[agent.greedyAction(obs)];
      expect(policy.decide(c)).toEqual({ scheme: 'split', edgeSteps: expected });
      expect(reloaded.qValues(obs)).toEqual(agent.qValues(obs));
    }
    agent.dispose();
    reloaded.dispose();
  });

  test('a checkpoint that does not fit is a CheckpointError naming what is wrong', () => {
    const config = resolveD3qnConfig({ hiddenUnits: [8] });
    const agent = new D3qnAgent(7, 3, config, createRng(1));
    const ok = toCheckpoint(agent.weights(), {
      profile: 'paper',
      totalSteps: 20,
      grid: [0, 10, 20],
      features: [...DEFAULT_FEATURES],
      config,
    });
    agent.dispose();
    expect(() => parseCheckpoint({ ...ok, format: 'other' })).toThrow(/checkpoint\.format/);
    expect(() => parseCheckpoint({ ...ok, version: 2 })).toThrow(/checkpoint\.version/);
    expect(() => parseCheckpoint({ ...ok, grid: [0, 20] })).toThrow(CheckpointError);
    const layers = ok.layers.map((l, i) => (i === 0 ? { ...l, w: l.w.slice(0, 8) } : l));
    expect(() => parseCheckpoint({ ...ok, layers })).toThrow(/layers\[0\]\.w/);
  });
});
