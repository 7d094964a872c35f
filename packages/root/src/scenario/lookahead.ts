/**
 * A non-myopic reference: a rollout (lookahead) policy. For each action of the current
 * request it plays the episode forward on a copy of the servers' bookings — the current
 * request with that action, then the next `horizon` requests decided by a base rule (the
 * queue-aware deadline-greedy rule) — and takes the action with the highest sum of expected
 * satisfaction over those requests. It sees what its edge work does to later requests, which
 * the myopic oracle does not; it is not an optimum (the later requests keep the base rule's
 * decisions, and the horizon is finite), so it bounds nothing: it is a stronger baseline.
 *
 * Two kinds of future (env.ts `fork`):
 * - `samples: 0`, **clairvoyant**: the copy meets the episode's real future (arrivals,
 *   conditions, gate luck). No causal policy can know it; it shows how much knowing the next
 *   requests is worth.
 * - `samples: n`, **sampled**: n futures drawn from the model, continuing each process from
 *   its current value (every receiver's SNR and capability, the edge share), the same n for
 *   every action (common random numbers). A causal policy: what a learned policy could reach
 *   with the model's knowledge.
 *
 * Ties keep the base rule's action, so with no effect on later requests the rollout decides
 * as the rule does.
 */
import type { Decision } from '../sim/latency-model';
import { mixSeed } from '../rng';
import type { ScenarioEnv } from './env';
import { memoQuality, type QualitySource } from './quality-source';
import { deadlineGreedy } from './policies';
import type { ScenarioSpec } from './spec';
import type { ScenarioPolicy, ScenarioState } from './state';
import { predict } from './timeline';

/** A policy that plans on the environment it is evaluated in (evaluate.ts binds it). */
export interface PlanningPolicy extends ScenarioPolicy {
  bind(env: ScenarioEnv): void;
}

export function isPlanning(p: ScenarioPolicy): p is PlanningPolicy {
  return typeof (p as Partial<PlanningPolicy>).bind === 'function';
}

export interface LookaheadOptions {
  /** Later requests played after the current one (the episode's end cuts it short). */
  horizon: number;
  /** 0: the real future (clairvoyant); n >= 1: n sampled futures. */
  samples: number;
  /** Seeds the sampled futures. */
  seed: number;
  name?: string;
}

/**
 * Serves the copy's current request with `d`, then the next `horizon` requests with `base`;
 * returns the sum of those later requests' expected satisfaction (what `d` leaves them).
 */
export function laterValue(
  copy: ScenarioEnv,
  d: Decision,
  base: ScenarioPolicy,
  horizon: number,
  quality: QualitySource,
): number {
  let total = 0;
  let step = copy.step(d);
  for (let h = 0; h < horizon && step.next; h++) {
    const next = step.next;
    const dn = base.decide(next);
    total += predict(copy.spec, quality, next, dn).satisfaction;
    step = copy.step(dn);
  }
  return total;
}

export function lookaheadPolicy(
  spec: ScenarioSpec,
  quality: QualitySource,
  actions: readonly Decision[],
  o: LookaheadOptions,
): PlanningPolicy {
  if (!Number.isInteger(o.horizon) || o.horizon < 0)
    throw new TypeError(`lookaheadPolicy: horizon must be an integer >= 0, got ${o.horizon}`);
  if (!Number.isInteger(o.samples) || o.samples < 0)
    throw new TypeError(`lookaheadPolicy: samples must be an integer >= 0, got ${o.samples}`);
  // Rollouts ask the quality of the same (split, SNR) many times over.
  const q = memoQuality(quality);
  const base = deadlineGreedy(spec, q, actions, true);
  let env: ScenarioEnv | null = null;
  const futures = Math.max(1, o.samples);

  const rollout = (d: Decision, m: number): number => {
    const copy = env!.fork(
      o.samples === 0 ? {} : { futureSeed: mixSeed(o.seed, env!.episodeIndex, env!.requestIndex, m) },
    );
    return predict(spec, q, copy.state, d).satisfaction + laterValue(copy, d, base, o.horizon, q);
  };

  return {
    name:
      o.name ?? (o.samples === 0 ? `lookahead-clairvoyant-h${o.horizon}` : `lookahead-sampled-h${o.horizon}`),
    bind: (e) => {
      env = e;
    },
    decide: (s: ScenarioState): Decision => {
      if (!env) throw new TypeError('lookaheadPolicy: bind(env) before decide() (evaluateScenario does)');
      if (env.state.arrivalS !== s.arrivalS || env.state.receiver !== s.receiver)
        throw new TypeError(
          'lookaheadPolicy: decide() got a state that is not its environment’s current request',
        );
      let best = base.decide(s);
      const value = (d: Decision): number => {
        let v = 0;
        for (let m = 0; m < futures; m++) v += rollout(d, m);
        return v / futures;
      };
      let bestV = value(best);
      for (const d of actions) {
        if (d === best) continue;
        const v = value(d);
        if (v > bestV + 1e-9) [best, bestV] = [d, v];
      }
      return best;
    },
  };
}
