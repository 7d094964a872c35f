/**
 * Training the learned policies of a scenario on its environment (training seeds are
 * separate from evaluation seeds):
 *
 * - ROOT: the D3QN of d3qn/ on the scenario's features, Algorithm 1 as in ../train.ts
 *   (ε-greedy, replay, double-DQN target, the shared cadence); γ is the caller's (γ = 0
 *   learns the myopic policy, γ = 0.99 can learn that a split lengthens later waits);
 * - the bandit: LinUCB on the same features and the same number of requests.
 *
 * Two options change what ROOT learns from, not how it decides:
 * - `features`: the state it sees (default SCENARIO_FEATURES; EXTENDED_FEATURES adds the
 *   recent arrival rate and the devices' booked work);
 * - `shaping`: the reward of request i becomes its satisfaction plus what its decision does
 *   to the next `horizon` requests, relative to the queue-aware rule's decision: on two
 *   copies of the episode (the real future), i served with the chosen action or with the
 *   rule's, then the next requests served by the rule; the difference of their expected
 *   satisfaction is added. With γ = 0 the learner then estimates E[own + later(a) −
 *   later(rule)] from the state alone, whose argmax is the sampled-future lookahead's
 *   decision (lookahead.ts): a myopic learner on a non-myopic target. The evaluation still
 *   scores plain satisfaction.
 */
import { D3qnAgent } from '../d3qn/agent';
import { cadenceAt } from '../d3qn/cadence';
import { resolveD3qnConfig, type D3qnConfig } from '../d3qn/config';
import { createForward, argmax, type QNetworkWeights } from '../d3qn/network';
import { ReplayBuffer } from '../d3qn/replay-buffer';
import type { Decision } from '../sim/latency-model';
import { createRng, mixSeed } from '../rng';
import { epsilonAt } from '../train';
import { ScenarioEnv } from './env';
import { LinUcb } from './linucb';
import type { QualitySource } from './quality-source';
import type { ScenarioSpec } from './spec';
import { laterValue } from './lookahead';
import { deadlineGreedy } from './policies';
import { memoQuality } from './quality-source';
import { scenarioFeatures, SCENARIO_FEATURES, type ScenarioFeature, type ScenarioPolicy } from './state';

export interface ScenarioTrainOptions {
  spec: ScenarioSpec;
  quality: QualitySource;
  actions: readonly Decision[];
  episodes: number;
  seed: number;
  config?: Partial<D3qnConfig>;
  /** What ROOT sees (default SCENARIO_FEATURES). */
  features?: readonly ScenarioFeature[];
  /** Charge each decision for what it does to the next `horizon` requests (see above). */
  shaping?: { horizon: number };
  /** Mean reward of each episode, as it ends. */
  onEpisode?: (episode: number, reward: number) => void;
}

export interface ScenarioRootRun {
  weights: QNetworkWeights;
  config: D3qnConfig;
  /** Mean reward per training episode (satisfaction, before any shaping). */
  rewards: number[];
  features: readonly ScenarioFeature[];
}

/** Training seeds use environment seeds 100 000 + seed, away from evaluation seeds. */
export const trainEnvSeed = (seed: number): number => 100_000 + seed;

export function trainScenarioRoot(o: ScenarioTrainOptions): ScenarioRootRun {
  if (!Number.isInteger(o.episodes) || o.episodes < 1) {
    throw new TypeError(`trainScenarioRoot: episodes must be an integer >= 1, got ${o.episodes}`);
  }
  const config = resolveD3qnConfig(o.config);
  const features = o.features ?? SCENARIO_FEATURES;
  const nf = features.length;
  const env = new ScenarioEnv(o.spec, o.quality, trainEnvSeed(o.seed));
  const shaping = o.shaping && o.spec.contention ? o.shaping : null;
  const q = memoQuality(o.quality);
  const rule = deadlineGreedy(o.spec, q, o.actions, true);
  /** What serving the current request with `d` rather than the rule's decision does to the next requests. */
  const externality = (d: Decision): number => {
    if (!shaping) return 0;
    const ruled = rule.decide(env.state);
    if (ruled === d) return 0;
    const h = shaping.horizon;
    return laterValue(env.fork(), d, rule, h, q) - laterValue(env.fork(), ruled, rule, h, q);
  };
  const agent = new D3qnAgent(nf, o.actions.length, config, createRng(mixSeed(o.seed, 10)));
  const exploreRng = createRng(mixSeed(o.seed, 11));
  const replayRng = createRng(mixSeed(o.seed, 12));
  const buffer = new ReplayBuffer(config.bufferSize, nf);
  const total = o.episodes * o.spec.requestsPerEpisode;
  const rewards: number[] = [];
  let step = 0;
  for (let e = 0; e < o.episodes; e++) {
    let obs = scenarioFeatures(env.reset(e), features);
    let sum = 0;
    for (;;) {
      const action = agent.act(obs, epsilonAt(config, step, total), exploreRng);
      const shaped = externality(o.actions[action]!);
      const { reward, next, terminated } = env.step(o.actions[action]!);
      const nextObs = next ? scenarioFeatures(next, features) : obs;
      buffer.add(obs, action, reward + shaped, nextObs, terminated);
      sum += reward;
      step++;
      const due = cadenceAt(config, step);
      if (due.learn) agent.learn(buffer.sample(config.batchSize, replayRng));
      if (due.updateTarget) agent.updateTarget();
      if (terminated || !next) break;
      obs = nextObs;
    }
    rewards.push(sum / o.spec.requestsPerEpisode);
    o.onEpisode?.(e, rewards[e]!);
  }
  const weights = agent.weights();
  agent.dispose();
  return { weights, config, rewards, features };
}

/** ROOT as a scenario policy: the greedy action of the network (plain-JS forward pass). */
export function scenarioRootPolicy(
  weights: QNetworkWeights,
  actions: readonly Decision[],
  name = 'root',
  features: readonly ScenarioFeature[] = SCENARIO_FEATURES,
): ScenarioPolicy {
  const forward = createForward(weights);
  const obs = new Float32Array(features.length);
  return {
    name,
    decide: (s) => actions[argmax(forward(scenarioFeatures(s, features, obs)))]!,
  };
}

/** LinUCB trained online on the same training environment and number of requests. */
export function trainScenarioBandit(o: Omit<ScenarioTrainOptions, 'config'>, alpha = 0.5): LinUcb {
  const bandit = new LinUcb(o.actions, alpha);
  const env = new ScenarioEnv(o.spec, o.quality, trainEnvSeed(o.seed));
  for (let e = 0; e < o.episodes; e++) {
    let s = env.reset(e);
    for (;;) {
      const k = bandit.choose(s, false);
      const { reward, next, terminated } = env.step(o.actions[k]!);
      bandit.update(s, k, reward);
      if (terminated || !next) break;
      s = next;
    }
  }
  return bandit;
}
