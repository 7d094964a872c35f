/**
 * Every hyperparameter of the three learners and their training loop, in one place.
 * Values are the D2SAC paper's Table II where it gives them and the code's (main.py,
 * benchmark/dqn.py, benchmark/sac.py: the tianshou off-policy trainer) otherwise.
 *
 * One training step ("epoch" in tianshou) collects `stepsPerEpoch` transitions with the
 * current policy, then makes `updatesPerEpoch` gradient steps on minibatches of
 * `batchSize`, then measures the test reward on held-out episodes. The paper's budget is
 * 1000 such steps of 1000 transitions and 1000 updates of 512 (1e6 of each); PAPER_BUDGET.
 * On a 2-core machine that is days (README, "Compute"), so runs name their budget.
 */

export type LearnerName = 'dqn' | 'sac' | 'd2sac';
export const LEARNER_NAMES: readonly LearnerName[] = ['dqn', 'sac', 'd2sac'];

export interface AspTrainConfig {
  /** Training steps E (Table II: 1000). */
  epochs: number;
  /** Transitions collected per training step, C (Table II: 1000). */
  stepsPerEpoch: number;
  /** Gradient steps per training step (code: update_per_step 1 × step_per_collect 1000). */
  updatesPerEpoch: number;
  /** Minibatch b (Table II: 512). */
  batchSize: number;
  /** Replay capacity D (Table II: 1e6; capped at the transitions a run can collect). */
  bufferSize: number;
  /** Discount γ (Table II: 0.95). */
  gamma: number;
  /** n-step returns (code: --n-step 3 for every learner). */
  nStep: number;
  /** L2 weight decay λ on every network (Table II: 1e-4). */
  weightDecay: number;
  /** Hidden width of every MLP (Table I: 256, two hidden layers). */
  hiddenUnits: number;
  /** Held-out episodes per test-reward point (code: --test-num 1). */
  testEpisodes: number;
  /** Measure the test reward every this many training steps (the last one always). */
  testEvery: number;

  /** D2SAC and SAC actor learning rate η_a (Table II: 1e-4). */
  actorLr: number;
  /** D2SAC and SAC critic learning rate η_c (Table II: 1e-3). */
  criticLr: number;
  /** Entropy temperature α (Table II and Fig. 9: 0.05; SAC benchmark: 0.05 too). */
  alpha: number;
  /** Soft target update τ (Table II: 0.005). */
  tau: number;
  /** Denoising steps of the D2SAC actor (Table II: 5; Fig. 7 varies it). */
  denoisingSteps: number;
  /** Width of the sinusoidal step embedding (Table I: 16). */
  timeEmbedding: number;
  /** VP noise schedule bounds (code diffusion/helpers.py vp_beta_schedule: 0.1 and 10). */
  betaMin: number;
  betaMax: number;

  /** DQN learning rate (code benchmark/dqn.py: 1e-3). */
  dqnLr: number;
  /** DQN ε while training (code: 0.1; 0 when testing). */
  dqnEpsilon: number;
  /** DQN hard target copy every this many gradient steps (code: 320). */
  dqnTargetUpdateEvery: number;
  /** Random transitions collected before DQN trains (code: batch size × training envs). */
  dqnWarmupSteps: number;
}

/** The paper's setting and budget. */
export const PAPER_CONFIG: Readonly<AspTrainConfig> = Object.freeze({
  epochs: 1000,
  stepsPerEpoch: 1000,
  updatesPerEpoch: 1000,
  batchSize: 512,
  bufferSize: 1_000_000,
  gamma: 0.95,
  nStep: 3,
  weightDecay: 1e-4,
  hiddenUnits: 256,
  testEpisodes: 1,
  testEvery: 1,
  actorLr: 1e-4,
  criticLr: 1e-3,
  alpha: 0.05,
  tau: 0.005,
  denoisingSteps: 5,
  timeEmbedding: 16,
  betaMin: 0.1,
  betaMax: 10,
  dqnLr: 1e-3,
  dqnEpsilon: 0.1,
  dqnTargetUpdateEvery: 320,
  dqnWarmupSteps: 512,
});

/**
 * The budget the committed figures use on the 2-core machine: the paper's networks,
 * learning rates and schedule, but fewer training steps and smaller, fewer updates
 * (README, "Compute" has the measured times).
 *
 * One departure from the paper's setting, for this budget only: 1-step instead of 3-step
 * returns. The code's n-step returns are not corrected for being off-policy, so the target
 * of Q(s, a) carries the rewards of the next two actions the (early, near-uniform)
 * behaviour policy took; under a uniformly random policy 11–12% of steps crash an ASP, at
 * a penalty of 2 or more (median ≈ 4.4, worst seen ≈ 8). At this budget that noise swamps
 * what the critic has to learn (whether a task fits the chosen ASP): on seed 1 after 480
 * updates the SAC critic's loss was 14 with 3 steps and 5.3 with 1, and the greedy policy
 * of its min Q scored −304 with 3 steps and +376 with 1; over 5 seeds at this budget
 * D2SAC's held-out reward rose from −178 to −64, better on every seed (README, "What was
 * wrong" and "Results"). With the paper's 10⁶ updates the critic averages that noise out.
 */
export const SMALL_BUDGET: Readonly<Partial<AspTrainConfig>> = Object.freeze({
  epochs: 30,
  updatesPerEpoch: 60,
  batchSize: 64,
  nStep: 1,
  testEpisodes: 2,
  testEvery: 3,
  dqnWarmupSteps: 64,
});

/** The tiny budget of `--quick` and the tests: runs end to end in seconds. */
export const QUICK_BUDGET: Readonly<Partial<AspTrainConfig>> = Object.freeze({
  epochs: 2,
  stepsPerEpoch: 200,
  updatesPerEpoch: 4,
  batchSize: 16,
  hiddenUnits: 32,
  testEpisodes: 1,
  testEvery: 1,
  dqnWarmupSteps: 16,
});

/** Fills defaults (the paper's) and validates; TypeError names the field. */
export function resolveTrainConfig(partial: Partial<AspTrainConfig> = {}): AspTrainConfig {
  const c: AspTrainConfig = { ...PAPER_CONFIG, ...partial };
  const int = (k: keyof AspTrainConfig, min: number): void => {
    const v = c[k];
    if (!Number.isInteger(v) || v < min)
      throw new TypeError(`AspTrainConfig.${k} must be an integer >= ${min}, got ${String(v)}`);
  };
  const range = (k: keyof AspTrainConfig, lo: number, hi: number, openLo = false): void => {
    const v = c[k];
    if (!(typeof v === 'number' && (openLo ? v > lo : v >= lo) && v <= hi))
      throw new TypeError(
        `AspTrainConfig.${k} must be in ${openLo ? '(' : '['}${lo}, ${hi}], got ${String(v)}`,
      );
  };
  int('epochs', 1);
  int('stepsPerEpoch', 1);
  int('updatesPerEpoch', 0);
  int('batchSize', 1);
  int('bufferSize', 1);
  int('nStep', 1);
  int('hiddenUnits', 1);
  int('testEpisodes', 1);
  int('testEvery', 1);
  int('denoisingSteps', 1);
  int('timeEmbedding', 4);
  int('dqnTargetUpdateEvery', 1);
  int('dqnWarmupSteps', 0);
  if (c.timeEmbedding % 2 !== 0)
    throw new TypeError(`AspTrainConfig.timeEmbedding must be even, got ${c.timeEmbedding}`);
  range('gamma', 0, 1);
  range('weightDecay', 0, 1);
  range('actorLr', 0, 1, true);
  range('criticLr', 0, 1, true);
  range('dqnLr', 0, 1, true);
  range('alpha', 0, 10);
  range('tau', 0, 1, true);
  range('dqnEpsilon', 0, 1);
  range('betaMin', 0, 100, true);
  range('betaMax', 0, 100, true);
  return c;
}
