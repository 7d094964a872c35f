/**
 * Training ROOT in the simulator (Algorithm 1), CleanRL style: one loop you can read top to
 * bottom. Each environment step serves one request:
 *
 *   ε ← linear schedule(step)
 *   a ← ε-greedy(Q(x))                      (index into the action grid)
 *   r, x', terminated ← env.step(split a)
 *   replay ← (x, a, r, x', terminated)
 *   every trainFrequency steps after learningStarts: one D3QN update on a minibatch
 *   every targetUpdateFrequency steps: target network update     (d3qn/cadence.ts)
 *
 * An episode is one user session (profile.requestsPerEpisode requests); its reward is the
 * mean satisfaction over its requests, the y-axis of the paper's Fig. 6.
 */
import { D3qnAgent } from './d3qn/agent';
import { cadenceAt } from './d3qn/cadence';
import { toCheckpoint, type D3qnCheckpoint } from './d3qn/checkpoint';
import { resolveD3qnConfig, type D3qnConfig } from './d3qn/config';
import { ReplayBuffer } from './d3qn/replay-buffer';
import { createRng, mixSeed } from './rng';
import { actionGrid, checkGrid, type GridName } from './sim/action-grid';
import { SplitEnv } from './sim/env';
import { DEFAULT_FEATURES, toFeatures, type FeatureRange } from './sim/features';
import type { ServiceProfile } from './sim/profile';

export interface TrainOptions {
  profile: ServiceProfile;
  /** Number of episodes (sessions) to train for. */
  episodes: number;
  seed?: number;
  /** Action grid: a named one or explicit edge-step counts. */
  grid?: GridName | number[];
  config?: Partial<D3qnConfig>;
  features?: readonly FeatureRange[];
  /** Called after every episode (progress bars, checkpoints). */
  onEpisode?: (e: EpisodeStats, run: TrainResult) => void;
}

export interface EpisodeStats {
  episode: number;
  /** Mean reward (satisfaction) over the episode's requests. */
  reward: number;
  /** Mean edge steps chosen. */
  meanEdgeSteps: number;
  epsilon: number;
  /** Mean loss of the episode's gradient steps (NaN before learning starts). */
  loss: number;
  /** Environment steps so far. */
  steps: number;
}

/** The training so far (passed to onEpisode) or at its end (returned). */
export interface TrainResult {
  agent: D3qnAgent;
  profile: ServiceProfile;
  grid: number[];
  features: readonly FeatureRange[];
  config: D3qnConfig;
  history: EpisodeStats[];
  seed: number;
}

/** ε at environment step `step` of `total`: linear from start to end over the exploration fraction. */
export function epsilonAt(config: D3qnConfig, step: number, total: number): number {
  const duration = Math.max(1, config.explorationFraction * total);
  const slope = (config.epsilonEnd - config.epsilonStart) / duration;
  return Math.max(config.epsilonEnd, config.epsilonStart + slope * step);
}

export function resolveGrid(grid: GridName | number[] | undefined, totalSteps: number): number[] {
  if (Array.isArray(grid)) {
    checkGrid(grid, totalSteps);
    return [...grid];
  }
  return actionGrid(grid ?? 'paper10', totalSteps);
}

export function trainD3qn(options: TrainOptions): TrainResult {
  const { profile, episodes, seed = 1, features = DEFAULT_FEATURES } = options;
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new TypeError(`trainD3qn: episodes must be an integer >= 1, got ${episodes}`);
  const config = resolveD3qnConfig(options.config);
  const grid = resolveGrid(options.grid, profile.totalSteps);
  const totalSteps = episodes * profile.requestsPerEpisode;

  // Seeding: the environment, the network's initial weights, exploration and replay
  // sampling each get their own stream of the one seed.
  const env = new SplitEnv(profile, seed);
  const agent = new D3qnAgent(features.length, grid.length, config, createRng(mixSeed(seed, 10)));
  const exploreRng = createRng(mixSeed(seed, 11));
  const replayRng = createRng(mixSeed(seed, 12));
  const buffer = new ReplayBuffer(config.bufferSize, features.length);

  const history: EpisodeStats[] = [];
  const run: TrainResult = { agent, profile, grid, features, config, history, seed };
  let step = 0;
  for (let episode = 0; episode < episodes; episode++) {
    let obs = toFeatures(env.reset(episode), features);
    let rewardSum = 0;
    let edgeSum = 0;
    let lossSum = 0;
    let lossCount = 0;
    let epsilon: number;
    for (;;) {
      epsilon = epsilonAt(config, step, totalSteps);
      const action = agent.act(obs, epsilon, exploreRng);
      const { reward, next, terminated } = env.step({ scheme: 'split', edgeSteps: grid[action]! });
      // After the last request there is no next state; x' is stored but masked out.
      const nextObs = next ? toFeatures(next, features) : obs;
      buffer.add(obs, action, reward, nextObs, terminated);
      rewardSum += reward;
      edgeSum += grid[action]!;
      step++;

      const due = cadenceAt(config, step);
      if (due.learn) {
        lossSum += agent.learn(buffer.sample(config.batchSize, replayRng));
        lossCount++;
      }
      if (due.updateTarget) agent.updateTarget();

      if (terminated || !next) break;
      obs = nextObs;
    }
    const stats: EpisodeStats = {
      episode,
      reward: rewardSum / profile.requestsPerEpisode,
      meanEdgeSteps: edgeSum / profile.requestsPerEpisode,
      epsilon,
      loss: lossCount > 0 ? lossSum / lossCount : NaN,
      steps: step,
    };
    history.push(stats);
    options.onEpisode?.(stats, run);
  }
  return run;
}

/** A checkpoint of the run's online network, with the training curve in its meta. */
export function checkpointOf(run: TrainResult, meta: Record<string, unknown> = {}): D3qnCheckpoint {
  return toCheckpoint(run.agent.weights(), {
    profile: run.profile.name,
    totalSteps: run.profile.totalSteps,
    grid: run.grid,
    features: [...run.features],
    config: run.config,
    meta: {
      seed: run.seed,
      episodes: run.history.length,
      episodeRewards: run.history.map((e) => Math.round(e.reward * 1e6) / 1e6),
      ...meta,
    },
  });
}
