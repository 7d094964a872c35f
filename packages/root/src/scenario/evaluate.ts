/**
 * Evaluating scenario policies on common random numbers: every policy runs the same
 * evaluation episodes of one environment seed (same arrivals, conditions, captions and
 * gate draws). `satisfaction` is the mean over requests of each request's *expected*
 * satisfaction given its state (bookings included) and decision — the conditional
 * expectation over its gate and HARQ draws (`predict`, HARQ at its mean time), an unbiased
 * estimate with less variance than the sampled reward; the trajectory (queues, later
 * states) follows the sampled outcomes. `sampledSatisfaction` is the plain mean reward.
 * Intervals over training seeds are Student-t 95% intervals of the mean.
 */
import { meanInterval95 } from '@semaigc/metrics';
import { ScenarioEnv } from './env';
import type { QualitySource } from './quality-source';
import type { ScenarioSpec } from './spec';
import type { ScenarioPolicy } from './state';
import { isPlanning } from './lookahead';
import { predict } from './timeline';

export interface ScenarioScore {
  policy: string;
  satisfaction: number;
  sampledSatisfaction: number;
  meanEdgeSteps: number;
  failureRate: number;
  meanLatencyS: number;
  meanQueueWaitS: number;
}

export function evaluateScenario(
  spec: ScenarioSpec,
  quality: QualitySource,
  policy: ScenarioPolicy,
  envSeed: number,
  episodes: number,
): ScenarioScore {
  const env = new ScenarioEnv(spec, quality, envSeed);
  if (isPlanning(policy)) policy.bind(env);
  let n = 0;
  let sat = 0;
  let expected = 0;
  let edge = 0;
  let failed = 0;
  let latency = 0;
  let queue = 0;
  for (let e = 0; e < episodes; e++) {
    let s = env.reset(e);
    for (;;) {
      const d = policy.decide(s);
      expected += predict(spec, quality, s, d).satisfaction;
      const { outcome, next, terminated } = env.step(d);
      n++;
      sat += outcome.satisfaction;
      edge += d.scheme === 'local' ? 0 : d.edgeSteps;
      failed += outcome.failed ? 1 : 0;
      latency += outcome.latencyS;
      queue += s.queueWaitS;
      if (terminated || !next) break;
      s = next;
    }
  }
  return {
    policy: policy.name,
    satisfaction: expected / n,
    sampledSatisfaction: sat / n,
    meanEdgeSteps: edge / n,
    failureRate: failed / n,
    meanLatencyS: latency / n,
    meanQueueWaitS: queue / n,
  };
}

export interface Interval {
  n: number;
  mean: number;
  median: number;
  ciLow: number;
  ciHigh: number;
}

/** Mean, median and the 95% t-interval of the mean of `xs`. */
export function interval(xs: readonly number[]): Interval {
  const n = xs.length;
  if (n === 0) throw new TypeError('interval: at least one value is required');
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sorted = [...xs].sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  if (n === 1) return { n, mean, median, ciLow: mean, ciHigh: mean };
  const { half } = meanInterval95(xs);
  return { n, mean, median, ciLow: mean - half, ciHigh: mean + half };
}
