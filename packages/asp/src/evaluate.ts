/**
 * Running policies on episodes and scoring them as the papers' Tables III and V: test
 * reward (sum of step rewards), finish and crash rates (fractions of the episode's tasks),
 * obtained and lost utility.
 */
import type { AspEnv, EpisodeStats } from './env/env';
import type { AspPolicy } from './policies/policy';

export interface PolicyScore {
  testReward: number;
  finishRate: number;
  crashRate: number;
  utility: number;
  lostUtility: number;
  /** Tasks per episode. */
  tasks: number;
}

/** One episode of `policy` on `env`; `onDecision` gets each decision's wall time in ms. */
export function runEpisode(
  env: AspEnv,
  policy: AspPolicy,
  episodeSeed: number,
  onDecision?: (ms: number) => void,
): EpisodeStats {
  let obs = env.reset(episodeSeed);
  policy.reset(episodeSeed);
  for (;;) {
    const t0 = onDecision ? performance.now() : 0;
    const action = policy.decide(env, obs);
    if (onDecision) onDecision(performance.now() - t0);
    if (env.step(action).done) break;
    obs = env.observe();
  }
  return env.episodeStats();
}

export function scoreOf(e: EpisodeStats): PolicyScore {
  return {
    testReward: e.reward,
    finishRate: e.finished / e.tasks,
    crashRate: e.crashed / e.tasks,
    utility: e.utility,
    lostUtility: e.lostUtility,
    tasks: e.tasks,
  };
}

/** The mean score over the given episodes. */
export function evaluatePolicy(
  env: AspEnv,
  policy: AspPolicy,
  episodeSeeds: readonly number[],
  onDecision?: (ms: number) => void,
): PolicyScore {
  if (episodeSeeds.length === 0) throw new TypeError('evaluatePolicy: no episode seeds');
  const scores = episodeSeeds.map((s) => scoreOf(runEpisode(env, policy, s, onDecision)));
  const mean = (k: keyof PolicyScore): number => scores.reduce((a, s) => a + s[k], 0) / scores.length;
  return {
    testReward: mean('testReward'),
    finishRate: mean('finishRate'),
    crashRate: mean('crashRate'),
    utility: mean('utility'),
    lostUtility: mean('lostUtility'),
    tasks: mean('tasks'),
  };
}
