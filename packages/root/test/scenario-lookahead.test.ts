import {
  CONTENTION,
  ScenarioEnv,
  actionGrid,
  deadlineGreedy,
  isPlanning,
  predict,
  laterValue,
  lookaheadPolicy,
  scenarioActions,
  type Decision,
  type ScenarioPolicy,
  type ScenarioSpec,
  type ScenarioState,
} from '@semaigc/root';
import { assumed } from './scenario-fixtures';

const actions = scenarioActions(20, actionGrid('paper10', 20), true);
/** Short episodes at a heavy load: queues form within a few requests. */
const busy: ScenarioSpec = { ...CONTENTION, requestsPerEpisode: 10, arrivalRatePerS: 0.2 };
const a = (edgeSteps: number): Decision => ({ scheme: 'split', edgeSteps });

describe('ScenarioEnv.fork', () => {
  it('a plain fork replays the same future as the original, and leaves the original alone', () => {
    const env = new ScenarioEnv(busy, assumed, 7);
    env.reset(2);
    env.step(a(12));
    const copy = env.fork();
    const before = env.state;
    const run = (e: ScenarioEnv): number[] =>
      [a(20), a(4), a(16), a(8)].map((d) => e.step(d).outcome.latencyS);
    const fromCopy = run(copy);
    expect(env.state).toBe(before);
    expect(env.state.queueWaitS).toBe(before.queueWaitS);
    expect(run(env)).toEqual(fromCopy);
  });

  it('a fork with a future seed keeps the current request and draws the later ones afresh (reproducibly)', () => {
    const env = new ScenarioEnv(busy, assumed, 7);
    env.reset(0);
    env.step(a(10));
    const later = (e: ScenarioEnv): number[] => {
      const xs: number[] = [];
      let s = e.step(a(10)).next;
      while (s) {
        xs.push(s.arrivalS);
        s = e.step(a(10)).next;
      }
      return xs;
    };
    const f1 = env.fork({ futureSeed: 1 });
    const f1again = env.fork({ futureSeed: 1 });
    const f2 = env.fork({ futureSeed: 2 });
    for (const f of [f1, f1again, f2]) {
      expect(f.state.arrivalS).toBe(env.state.arrivalS);
      expect(f.state.snrDb).toBe(env.state.snrDb);
      expect(f.state.queueWaitS).toBe(env.state.queueWaitS);
    }
    const [x1, x1again, x2, real] = [later(f1), later(f1again), later(f2), later(env.fork())];
    expect(x1).toEqual(x1again);
    expect(x1).not.toEqual(x2);
    expect(x1).not.toEqual(real);
    for (let i = 1; i < x1.length; i++) expect(x1[i]!).toBeGreaterThan(x1[i - 1]!);
  });
});

describe('lookahead', () => {
  it('more edge work now leaves the next requests less satisfaction on a busy edge', () => {
    const env = new ScenarioEnv(busy, assumed, 3);
    env.reset(0);
    const rule = deadlineGreedy(busy, assumed, actions, true);
    const local = laterValue(env.fork(), { scheme: 'local', edgeSteps: 0 }, rule, 8, assumed);
    const edge = laterValue(env.fork(), { scheme: 'edge-image', edgeSteps: 20 }, rule, 8, assumed);
    expect(edge).toBeLessThan(local);
  });

  it('knowing the whole future, the rollout over the rule never does worse than the rule, episode by episode', () => {
    const rule = deadlineGreedy(busy, assumed, actions, true);
    const look = lookaheadPolicy(busy, assumed, actions, {
      horizon: busy.requestsPerEpisode,
      samples: 0,
      seed: 1,
    });
    const episodeTotal = (p: ScenarioPolicy, e: number): number => {
      const env = new ScenarioEnv(busy, assumed, 11);
      if (isPlanning(p)) p.bind(env);
      let s: ScenarioState | null = env.reset(e);
      let total = 0;
      while (s) {
        const d = p.decide(s);
        total += predict(busy, assumed, s, d).satisfaction;
        s = env.step(d).next;
      }
      return total;
    };
    let gain = 0;
    for (let e = 0; e < 6; e++) {
      const d = episodeTotal(look, e) - episodeTotal(rule, e);
      expect(d).toBeGreaterThanOrEqual(-1e-9);
      gain += d;
    }
    expect(gain).toBeGreaterThan(0);
  });
});
