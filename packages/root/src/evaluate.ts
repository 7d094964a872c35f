/**
 * Evaluating split policies on common random numbers: every policy meets the same
 * requests (conditions drawn from the seed) and the same quality draws. Two kinds of
 * figure are reported per request:
 *
 * - expected: E[satisfaction] and E[latency] over the quality gate, in closed form
 *   (service-model.ts), free of sampling noise; the comparisons and targets use these;
 * - sampled: one realisation, as the agent was trained and a user would see it.
 *
 * `evaluateAt` runs the policies on `episodes` sessions with some conditions pinned
 * (sweeps over SNR and compute share pin one or both); `episodeRewards` replays the
 * training episodes for the baselines' curves in Fig. 6.
 */
import { createRng, mixSeed } from './rng';
import type { SplitPolicy } from './policies/policy';
import { drawConditions, STREAM_OUTCOMES } from './sim/conditions';
import { SplitEnv } from './sim/env';
import { validateProfile, withDynamics, type ServiceProfile } from './sim/profile';
import { expectedOutcome, sampleOutcome } from './sim/service-model';

export interface PolicySummary {
  policy: string;
  requests: number;
  /** Mean expected satisfaction. */
  satisfaction: number;
  /** Mean expected latency, s. */
  latencyS: number;
  /** Mean satisfaction of one sampled realisation per request. */
  sampledSatisfaction: number;
  /** Mean sampled latency, s. */
  sampledLatencyS: number;
  /** Mean expected probability of failure. */
  failureRate: number;
  /** Mean edge steps a (split decisions; T̂ for Edge AIGC, 0 for Local AIGC). */
  edgeSteps: number;
}

export interface Pin {
  snrDb?: number;
  edgeShare?: number;
}

export interface EvaluateOptions {
  seed: number;
  /** Sessions of profile.requestsPerEpisode requests each. */
  episodes: number;
  pin?: Pin;
}

/** Conditions with the pinned ones held constant. */
export function pinned(profile: ServiceProfile, pin: Pin = {}): ServiceProfile {
  return withDynamics(profile, {
    ...(pin.snrDb !== undefined ? { snrDb: { kind: 'constant', value: pin.snrDb } } : {}),
    ...(pin.edgeShare !== undefined ? { edgeShare: { kind: 'constant', value: pin.edgeShare } } : {}),
  });
}

export function evaluateAt(
  profile: ServiceProfile,
  policies: readonly SplitPolicy[],
  options: EvaluateOptions,
): PolicySummary[] {
  const p = pinned(profile, options.pin);
  const table = validateProfile(p);
  const requests = drawConditions(p, options.seed, options.episodes);
  return policies.map((policy) => {
    let sat = 0;
    let lat = 0;
    let sSat = 0;
    let sLat = 0;
    let fail = 0;
    let edge = 0;
    requests.forEach((c, i) => {
      const d = policy.decide(c);
      const e = expectedOutcome(p, table, c, d);
      const s = sampleOutcome(
        p,
        table,
        c,
        d,
        createRng(mixSeed(options.seed, STREAM_OUTCOMES, 1_000_000, i)),
      );
      sat += e.satisfaction;
      lat += e.latencyS;
      fail += e.failureProbability;
      sSat += s.satisfaction;
      sLat += s.latencyS;
      edge += d.edgeSteps;
    });
    const n = requests.length;
    return {
      policy: policy.name,
      requests: n,
      satisfaction: sat / n,
      latencyS: lat / n,
      sampledSatisfaction: sSat / n,
      sampledLatencyS: sLat / n,
      failureRate: fail / n,
      edgeSteps: edge / n,
    };
  });
}

/** Mean sampled reward per episode of `policy` on episodes 0..episodes−1 of the seed. */
export function episodeRewards(
  profile: ServiceProfile,
  policy: SplitPolicy,
  seed: number,
  episodes: number,
): number[] {
  const env = new SplitEnv(profile, seed);
  const out: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let state = env.reset(e);
    let sum = 0;
    for (;;) {
      const d = policy.decide(state);
      const { reward, next, outcome } = env.step(d);
      policy.observe?.(state, d, outcome.failed ? Infinity : outcome.latencyS);
      sum += reward;
      if (!next) break;
      state = next;
    }
    out.push(sum / profile.requestsPerEpisode);
  }
  return out;
}
