/**
 * Training the learned policies of a scenario on its environment (training seeds are
 * separate from evaluation seeds):
 *
 * - ROOT: the D3QN of d3qn/ on the scenario's features, Algorithm 1 as in ../train.ts
 *   (ε-greedy, replay, double-DQN target, the shared cadence); γ is the caller's (γ = 0
 *   learns the myopic policy, γ = 0.99 can learn that a split lengthens later waits);
 * - the bandit: LinUCB on the same features and the same number of requests.
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
import { scenarioFeatures, SCENARIO_FEATURES, type ScenarioPolicy } from './state';

export interface ScenarioTrainOptions {
  spec: ScenarioSpec;
  quality: QualitySource;
  actions: readonly Decision[];
  episodes: number;
  seed: number;
  config?: Partial<D3qnConfig>;
  /** Mean reward of each episode, as it ends. */
  onEpisode?: (episode: number, reward: number) => void;
}

export interface ScenarioRootRun {
  weights: QNetworkWeights;
  config: D3qnConfig;
  /** Mean reward per training episode. */
  rewards: number[];
}

/** Training seeds use environment seeds 100 000 + seed, away from evaluation seeds. */
export const trainEnvSeed = (seed: number): number => 100_000 + seed;

export function trainScenarioRoot(o: ScenarioTrainOptions): ScenarioRootRun {
  if (!Number.isInteger(o.episodes) || o.episodes < 1) {
    throw new TypeError(`trainScenarioRoot: episodes must be an integer >= 1, got ${o.episodes}`);
  }
  const config = resolveD3qnConfig(o.config);
  const nf = SCENARIO_FEATURES.length;
  const env = new ScenarioEnv(o.spec, o.quality, trainEnvSeed(o.seed));
  const agent = new D3qnAgent(nf, o.actions.length, config, createRng(mixSeed(o.seed, 10)));
  const exploreRng = createRng(mixSeed(o.seed, 11));
  const replayRng = createRng(mixSeed(o.seed, 12));
  const buffer = new ReplayBuffer(config.bufferSize, nf);
  const total = o.episodes * o.spec.requestsPerEpisode;
  const rewards: number[] = [];
  let step = 0;
  for (let e = 0; e < o.episodes; e++) {
    let obs = scenarioFeatures(env.reset(e));
    let sum = 0;
    for (;;) {
      const action = agent.act(obs, epsilonAt(config, step, total), exploreRng);
      const { reward, next, terminated } = env.step(o.actions[action]!);
      const nextObs = next ? scenarioFeatures(next) : obs;
      buffer.add(obs, action, reward, nextObs, terminated);
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
  return { weights, config, rewards };
}

/** ROOT as a scenario policy: the greedy action of the network (plain-JS forward pass). */
export function scenarioRootPolicy(
  weights: QNetworkWeights,
  actions: readonly Decision[],
  name = 'root',
): ScenarioPolicy {
  const forward = createForward(weights);
  const obs = new Float32Array(SCENARIO_FEATURES.length);
  return {
    name,
    decide: (s) => actions[argmax(forward(scenarioFeatures(s, SCENARIO_FEATURES, obs)))]!,
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
