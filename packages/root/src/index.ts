/**
 * @semaigc/root — ROOT, the SemAIGC paper's resource-aware workload trade-off: a simulator
 * of the split service (latency, quality gate, reward), the D3QN agent that learns the
 * split, the paper's baselines and an oracle. Browser-safe: no Node built-ins; the caller
 * initialises tfjs (`initTensorflow`) and does file I/O.
 */
export * from './errors';
export { createRng, mixSeed, type Rng } from './rng';

export * from './sim/profile';
export * from './sim/process';
export * from './sim/quality-model';
export * from './sim/quality-fit';
export * from './sim/calibration';
export * from './sim/conditions';
export * from './sim/latency-model';
export * from './sim/service-model';
export * from './sim/features';
export * from './sim/action-grid';
export * from './sim/env';
export * from './sim/measured-figures';

export * from './d3qn/config';
export * from './d3qn/network';
export * from './d3qn/replay-buffer';
export * from './d3qn/agent';
export * from './d3qn/checkpoint';
export * from './d3qn/cadence';

export * from './policies/policy';
export * from './policies/baselines';
export * from './policies/d3qn-policy';

export * from './scenario/phy';
export * from './scenario/calendar';
export * from './scenario/quality-source';
export * from './scenario/measured-surface';
export * from './scenario/spec';
export * from './scenario/state';
export * from './scenario/actions';
export * from './scenario/timeline';
export * from './scenario/env';
export * from './scenario/policies';
export * from './scenario/linucb';
export * from './scenario/train';
export * from './scenario/evaluate';
export * from './scenario/compare';
export * from './scenario/lookahead';
export * from './scenario/futures';
export * from './scenario/sensitivity';

export * from './tf-setup';
export * from './train';
export * from './online-learner';
export * from './evaluate';
export * from './convergence';
