/**
 * Training one learner on one replicate, as the code's tianshou off-policy trainer, in one
 * loop you can read top to bottom. Per training step (epoch):
 *
 *   collect   stepsPerEpoch transitions with the exploring policy, starting a new training
 *             episode whenever one ends; each enters the replay buffer as an n-step
 *             transition (s, a, Σ_{k<n} γ^k r_k, s_{+n}, done);
 *   update    updatesPerEpoch gradient steps on uniform minibatches (once the buffer holds one);
 *   test      every testEvery epochs, the greedy policy on the replicate's validation
 *             episodes: the test-reward curve of Fig. 5.
 *
 * DQN first collects dqnWarmupSteps transitions at random, as the code does (ε = 1).
 */
import { ReplayBuffer, createRng } from '@semaigc/root';
import { createLearner } from './agents/checkpoint';
import { resolveTrainConfig, type AspTrainConfig, type LearnerName } from './agents/config';
import type { Learner } from './agents/learner';
import { AspEnv } from './env/env';
import type { AspProfile } from './env/profile';
import { drawWorld } from './env/world';
import { evaluatePolicy } from './evaluate';
import { LearnerPolicy } from './policies/learner-policy';
import { learnerSeed, trainEpisodeSeed, validationEpisodeSeed, worldSeed } from './seeds';

export interface TrainLearnerOptions {
  algorithm: LearnerName;
  profile: AspProfile;
  /** Replicate seed: world, episodes and the learner's own streams (seeds.ts). */
  seed: number;
  config?: Partial<AspTrainConfig>;
  /** Called after every training step, with the learner as it acts now (for diagnostics). */
  onEpoch?: (e: EpochStats, learner: Learner) => void;
}

export interface EpochStats {
  epoch: number;
  /** Transitions collected so far. */
  envSteps: number;
  /** Gradient steps so far. */
  updates: number;
  /** Mean test reward on the validation episodes (null when not measured this epoch). */
  testReward: number | null;
  /** Reward of the last training episode that ended (null before the first). */
  trainReward: number | null;
  criticLoss: number;
  actorLoss: number;
}

export interface TrainLearnerResult {
  learner: Learner;
  config: AspTrainConfig;
  history: EpochStats[];
}

/** Turns 1-step transitions into n-step ones for the replay buffer. */
class NStepWriter {
  private window: { obs: Float32Array; action: number; reward: number }[] = [];
  constructor(
    private readonly buffer: ReplayBuffer,
    private readonly n: number,
    private readonly gamma: number,
  ) {}

  push(obs: Float32Array, action: number, reward: number, next: Float32Array, done: boolean): void {
    this.window.push({ obs, action, reward });
    if (this.window.length === this.n) this.emit(next, false);
    if (done) {
      // Everything still waiting ends at the terminal state: no bootstrap.
      while (this.window.length > 0) this.emit(next, true);
    }
  }

  private emit(next: Float32Array, done: boolean): void {
    let ret = 0;
    this.window.forEach((t, k) => (ret += this.gamma ** k * t.reward));
    const first = this.window.shift()!;
    this.buffer.add(first.obs, first.action, ret, next, done);
  }
}

export function trainLearner(o: TrainLearnerOptions): TrainLearnerResult {
  const config = resolveTrainConfig(o.config);
  const env = new AspEnv(o.profile, drawWorld(o.profile, worldSeed(o.seed)));
  const validationEnv = new AspEnv(o.profile, env.asps);
  const validationSeeds = Array.from({ length: config.testEpisodes }, (_, k) =>
    validationEpisodeSeed(o.seed, k),
  );
  const learner = createLearner(
    o.algorithm,
    env.nFeatures,
    env.nAsps,
    config,
    createRng(learnerSeed(o.seed, 'init')),
  );
  const exploreRng = createRng(learnerSeed(o.seed, 'explore'));
  const replayRng = createRng(learnerSeed(o.seed, 'replay'));
  const noiseRng = createRng(learnerSeed(o.seed, 'noise'));
  const capacity = Math.min(config.bufferSize, config.epochs * config.stepsPerEpoch + config.dqnWarmupSteps);
  const buffer = new ReplayBuffer(capacity, env.nFeatures);
  const writer = new NStepWriter(buffer, config.nStep, config.gamma);

  let episode = 0;
  let obs = env.reset(trainEpisodeSeed(o.seed, episode));
  let envSteps = 0;
  let updates = 0;
  let lastTrainReward: number | null = null;
  const step = (action: number): void => {
    const r = env.step(action);
    envSteps++;
    if (r.done) {
      lastTrainReward = env.episodeStats().reward;
      writer.push(obs, action, r.reward, obs, true);
      episode++;
      obs = env.reset(trainEpisodeSeed(o.seed, episode));
    } else {
      const next = env.observe();
      writer.push(obs, action, r.reward, next, false);
      obs = next;
    }
  };

  if (o.algorithm === 'dqn') for (let i = 0; i < config.dqnWarmupSteps; i++) step(exploreRng.int(env.nAsps));

  const history: EpochStats[] = [];
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    learner.sync();
    for (let i = 0; i < config.stepsPerEpoch; i++) step(learner.act(obs, true, exploreRng));
    let criticSum = 0;
    let actorSum = 0;
    let n = 0;
    for (let u = 0; u < config.updatesPerEpoch && buffer.size >= config.batchSize; u++) {
      const s = learner.learn(buffer.sample(config.batchSize, replayRng), noiseRng);
      criticSum += s.criticLoss;
      actorSum += s.actorLoss;
      n++;
      updates++;
    }
    learner.sync();
    const test = epoch % config.testEvery === 0 || epoch === config.epochs;
    const e: EpochStats = {
      epoch,
      envSteps,
      updates,
      testReward: test
        ? evaluatePolicy(validationEnv, new LearnerPolicy(learner, o.seed), validationSeeds).testReward
        : null,
      trainReward: lastTrainReward,
      criticLoss: n > 0 ? criticSum / n : NaN,
      actorLoss: n > 0 ? actorSum / n : NaN,
    };
    history.push(e);
    o.onEpoch?.(e, learner);
  }
  return { learner, config, history };
}
