/**
 * @semaigc/asp — AIGC service-provider selection, simulated: the environment of the AaaS and
 * D2SAC papers (ASPs with capacity and quality curves, Poisson task arrivals, crashes), the
 * heuristic policies and the prophet, and the DQN, discrete SAC and D2SAC learners on tfjs.
 * Browser-safe: no Node built-ins; the caller initialises tfjs (`initTensorflow` of
 * @semaigc/root) and does file I/O.
 */
export * from './env/profile';
export * from './env/quality';
export * from './env/world';
export * from './env/tasks';
export * from './env/features';
export * from './env/env';

export * from './policies/policy';
export * from './policies/heuristics';
export * from './policies/learner-policy';

export * from './agents/config';
export * from './agents/mlp';
export * from './agents/learner';
export * from './agents/twin-critic';
export * from './agents/dqn';
export * from './agents/sac';
export * from './agents/diffusion-actor';
export * from './agents/d2sac';
export * from './agents/checkpoint';

export * from './seeds';
export * from './stats';
export * from './evaluate';
export * from './train';

export * from './calibration/fit';
export * from './calibration/points';
export * from './calibration/profile-file';
export * from './live/live-view';
export * from './live/live-score';
