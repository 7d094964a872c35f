/**
 * The online learner: the cadence it shares with trainD3qn, what it learns from
 * transitions handed to it (by D3qnPolicy's sink in the simulator, or directly), and how
 * it behaves when its backend cannot start.
 */
import {
  D3qnPolicy,
  DEFAULT_FEATURES,
  OnlineLearner,
  PAPER_PROFILE,
  SplitEnv,
  actionGrid,
  cadenceAt,
  createRng,
  forwardJs,
  initQNetwork,
  initTensorflow,
  resolveD3qnConfig,
  type D3qnConfig,
  type LoadedCheckpoint,
  type ServiceProfile,
} from '@semaigc/root';

beforeAll(() => initTensorflow('wasm'));

const GRID = actionGrid('paper10', 20);

/** A freshly initialised agent as a checkpoint (what `parseCheckpoint` would return). */
function checkpoint(
  config: Partial<D3qnConfig>,
  nFeatures = DEFAULT_FEATURES.length,
  grid = GRID,
): LoadedCheckpoint {
  const c = resolveD3qnConfig({ hiddenUnits: [16], batchSize: 8, bufferSize: 256, ...config });
  return {
    profile: 'test',
    totalSteps: 20,
    grid,
    features: DEFAULT_FEATURES.slice(0, nFeatures),
    config: c,
    weights: initQNetwork(nFeatures, c.hiddenUnits, grid.length, createRng(7)),
    meta: {},
  };
}

/** Steps 1..n at which the cadence learns / updates the target. */
function due(c: Parameters<typeof cadenceAt>[0], n: number): { learn: number[]; target: number[] } {
  const steps = Array.from({ length: n }, (_, i) => i + 1);
  return {
    learn: steps.filter((s) => cadenceAt(c, s).learn),
    target: steps.filter((s) => cadenceAt(c, s).updateTarget),
  };
}

describe('cadence (shared with trainD3qn)', () => {
  test.each([
    [{ learningStarts: 0, trainFrequency: 1, targetUpdateFrequency: 4 }, [1, 2, 3, 4, 5, 6, 7, 8], [4, 8]],
    [{ learningStarts: 3, trainFrequency: 2, targetUpdateFrequency: 5 }, [4, 6, 8], [5]],
    [{ learningStarts: 4, trainFrequency: 2, targetUpdateFrequency: 3 }, [6, 8], [3, 6]],
    [{ learningStarts: 8, trainFrequency: 1, targetUpdateFrequency: 100 }, [], []],
  ])('%o over 8 steps: learn at %j, target at %j', (c, learn, target) => {
    expect(due(c, 8)).toEqual({ learn, target });
  });
});

describe('OnlineLearner', () => {
  const x = (v: number): Float32Array => new Float32Array(DEFAULT_FEATURES.length).fill(v);

  test.each([
    // [checkpoint config, cadence override, updatesPerRound, transitions]
    [{ trainFrequency: 2, targetUpdateFrequency: 5 }, {}, 1, 20],
    [{ trainFrequency: 2, targetUpdateFrequency: 5 }, { trainFrequency: 8 }, 3, 30],
    [{ trainFrequency: 1, targetUpdateFrequency: 7, learningStarts: 300 }, { learningStarts: 10 }, 2, 25],
  ])(
    'checkpoint %o, override %o, %d per round: rounds on the cadence',
    async (config, cadence, perRound, n) => {
      const prepared: number[] = [];
      const learner = new OnlineLearner({
        checkpoint: checkpoint(config),
        cadence,
        updatesPerRound: perRound,
        prepare: () => initTensorflow('wasm').then(() => void prepared.push(1)),
      });
      // Default warm-up: learn once a minibatch (8) is stored, whatever the checkpoint's learningStarts.
      expect(learner.cadence).toEqual({
        learningStarts: 7,
        trainFrequency: config.trainFrequency,
        targetUpdateFrequency: config.targetUpdateFrequency,
        ...cadence,
      });
      for (let i = 0; i < n; i++) learner.add(x(i / n), i % GRID.length, i % 2, x((i + 1) / n), false);
      await learner.settled();
      const want = due(learner.cadence, n);
      expect(learner.stats()).toMatchObject({
        transitions: n,
        updates: want.learn.length * perRound,
        targetUpdates: want.target.length,
        lastError: null,
      });
      expect(prepared).toHaveLength(1); // the backend is made ready once, on the first round
      learner.dispose();
    },
  );

  test('fed by D3qnPolicy in the simulator: every request becomes a transition, and the policy decides with what was learned', async () => {
    const profile: ServiceProfile = { ...PAPER_PROFILE, requestsPerEpisode: 8 };
    const ckpt = checkpoint({ trainFrequency: 4, targetUpdateFrequency: 6 });
    let swaps = 0;
    const learner = new OnlineLearner({
      checkpoint: ckpt,
      updatesPerRound: 2,
      onWeights: (w) => {
        swaps++;
        policy.setWeights(w);
      },
    });
    const policy = D3qnPolicy.fromCheckpoint(ckpt, { sink: learner });
    const env = new SplitEnv(profile, 5);
    const probe = env.reset(0);
    const before = policy.qValues(probe);
    for (let episode = 0; episode < 3; episode++) {
      let state = env.reset(episode);
      for (;;) {
        const d = policy.decide(state);
        const r = env.step(d);
        policy.observe(state, d, r.outcome.failed ? Infinity : r.outcome.latencyS);
        if (r.terminated || !r.next) break;
        state = r.next;
      }
      policy.endSession();
    }
    await learner.settled();
    // 24 transitions; rounds at 8, 12, 16, 20, 24 (after the 7-transition warm-up), 2 steps each.
    expect(learner.stats()).toMatchObject({
      transitions: 24,
      updates: 10,
      targetUpdates: 4,
      lastError: null,
    });
    expect(swaps).toBe(5);
    expect(policy.qValues(probe)).toEqual(
      new D3qnPolicy(learner.weights(), ckpt.grid, ckpt.features).qValues(probe),
    );
    expect(policy.qValues(probe)).not.toEqual(before);
    learner.dispose();
  });

  test('learns Q* of a tiny deterministic MDP from transitions handed to it', async () => {
    // The MDP of agent.test.ts: s0 -a0-> s1 (r 0), s0 -a1-> end (r 0.5), s1 -a0-> end (r 1), s1 -a1-> end (r 0).
    // With γ = 0.9, Q*(s0) = [0.9, 0.5] and Q*(s1) = [1, 0].
    const s = [
      new Float32Array([1, 0, 0]),
      new Float32Array([0, 1, 0]),
      new Float32Array([0, 0, 1]),
    ] as const;
    const transitions: [Float32Array, number, number, Float32Array, boolean][] = [
      [s[0], 0, 0, s[1], false],
      [s[0], 1, 0.5, s[2], true],
      [s[1], 0, 1, s[2], true],
      [s[1], 1, 0, s[2], true],
    ];
    const ckpt = checkpoint(
      {
        hiddenUnits: [32],
        gamma: 0.9,
        learningRate: 3e-3,
        batchSize: 16,
        trainFrequency: 1,
        targetUpdateFrequency: 20,
      },
      3,
      [0, 1],
    );
    const learner = new OnlineLearner({ checkpoint: ckpt, seed: 6 });
    for (let k = 0; k < 200; k++) for (const t of transitions) learner.add(...t);
    await learner.settled();
    expect(learner.stats().updates).toBe(800 - 15);
    const w = learner.weights();
    const [q0, q1] = [forwardJs(w, s[0]), forwardJs(w, s[1])];
    expect(Math.abs(q0[0]! - 0.9)).toBeLessThan(0.05);
    expect(Math.abs(q0[1]! - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(q1[0]! - 1)).toBeLessThan(0.05);
    expect(Math.abs(q1[1]! - 0)).toBeLessThan(0.05);
    learner.dispose();
  });

  test('same seed and transitions, same weights; the replay seed matters', async () => {
    const run = async (seed: number): Promise<Float32Array> => {
      const learner = new OnlineLearner({ checkpoint: checkpoint({ trainFrequency: 2 }), seed });
      for (let i = 0; i < 24; i++) learner.add(x(i / 24), i % 3, i % 2, x((i + 1) / 24), i % 8 === 7);
      await learner.settled();
      const w = learner.weights().advantage.w;
      learner.dispose();
      return w;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  test('a backend that cannot start: the error is kept, nothing is learned, deciding goes on', async () => {
    const learner = new OnlineLearner({
      checkpoint: checkpoint({ trainFrequency: 1 }),
      prepare: () => Promise.reject(new Error('no tfjs backend here')),
    });
    for (let i = 0; i < 10; i++) learner.add(x(0.5), 0, 1, x(0.5), false);
    await learner.settled();
    const s = learner.stats();
    expect(s).toMatchObject({ transitions: 10, updates: 0 });
    expect(s.lastError).toEqual(new Error('no tfjs backend here'));
    expect(learner.weights()).toEqual(checkpoint({}).weights);
  });

  test('bad arguments are TypeErrors naming the field', () => {
    const ckpt = checkpoint({});
    expect(() => new OnlineLearner({ checkpoint: ckpt, updatesPerRound: 0 })).toThrow(/updatesPerRound/);
    expect(() => new OnlineLearner({ checkpoint: ckpt, cadence: { trainFrequency: 0 } })).toThrow(
      /cadence\.trainFrequency/,
    );
    const learner = new OnlineLearner({ checkpoint: ckpt });
    expect(() => learner.add(x(0), GRID.length, 0, x(0), false)).toThrow(/action must be an index/);
    learner.dispose();
    expect(() => learner.add(x(0), 0, 0, x(0), false)).toThrow(/after dispose/);
  });
});
