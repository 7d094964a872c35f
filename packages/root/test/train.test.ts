import {
  PAPER_PROFILE,
  epsilonAt,
  initTensorflow,
  resolveD3qnConfig,
  trainD3qn,
  type ServiceProfile,
} from '@semaigc/root';

beforeAll(() => initTensorflow('wasm'));

// CleanRL-style smoke test: the whole loop on a tiny budget and a tiny network.
const tiny: ServiceProfile = { ...PAPER_PROFILE, requestsPerEpisode: 8 };
const config = {
  hiddenUnits: [16],
  batchSize: 8,
  learningStarts: 16,
  bufferSize: 128,
  targetUpdateFrequency: 8,
};

describe('trainD3qn smoke', () => {
  test('runs episodes, learns, reports, and is reproducible per seed', () => {
    const seen: number[] = [];
    const a = trainD3qn({
      profile: tiny,
      episodes: 6,
      seed: 3,
      config,
      onEpisode: (e) => seen.push(e.episode),
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(a.history).toHaveLength(6);
    expect(a.history[5]!.steps).toBe(48);
    expect(Number.isNaN(a.history[0]!.loss)).toBe(true); // no update before learningStarts
    expect(Number.isFinite(a.history[5]!.loss)).toBe(true);
    for (const e of a.history) {
      expect(e.reward).toBeGreaterThanOrEqual(0);
      expect(e.reward).toBeLessThanOrEqual(1);
      expect(a.grid).toContain(Math.round(e.meanEdgeSteps) - (Math.round(e.meanEdgeSteps) % 2) || 2);
    }
    const b = trainD3qn({ profile: tiny, episodes: 6, seed: 3, config });
    expect(b.history).toEqual(a.history);
    expect(b.agent.weights().advantage.w).toEqual(a.agent.weights().advantage.w);
    const c = trainD3qn({ profile: tiny, episodes: 6, seed: 4, config });
    expect(c.history.map((e) => e.reward)).not.toEqual(a.history.map((e) => e.reward));
    for (const r of [a, b, c]) r.agent.dispose();
  });

  test('ε decays linearly over the exploration fraction, then holds', () => {
    const cfg = resolveD3qnConfig({ epsilonStart: 1, epsilonEnd: 0.1, explorationFraction: 0.5 });
    expect(epsilonAt(cfg, 0, 100)).toBe(1);
    expect(epsilonAt(cfg, 25, 100)).toBeCloseTo(0.55, 12);
    expect(epsilonAt(cfg, 50, 100)).toBeCloseTo(0.1, 12);
    expect(epsilonAt(cfg, 99, 100)).toBeCloseTo(0.1, 12);
  });

  test('bad settings are TypeErrors naming the field', () => {
    expect(() => resolveD3qnConfig({ gamma: 1.5 })).toThrow(/gamma/);
    expect(() => resolveD3qnConfig({ hiddenUnits: [] })).toThrow(/hiddenUnits/);
    expect(() => trainD3qn({ profile: tiny, episodes: 0 })).toThrow(/episodes/);
    expect(() => trainD3qn({ profile: tiny, episodes: 1, grid: [4, 2] })).toThrow(/ascending/);
  });
});
