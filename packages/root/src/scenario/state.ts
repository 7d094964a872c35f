/**
 * What a policy sees when it decides a request in a scenario, and the normalised feature
 * vector the learned policies (ROOT, the bandit) get. The two step times of the paper's
 * state are constants in a scenario and left out (a constant feature carries nothing);
 * the queue the request meets at the edge and at its device are in.
 */
import type { Decision } from '../sim/latency-model';
import type { Calendar } from './calendar';

export interface ScenarioState {
  receiver: number;
  /** Seconds since the episode started (the request's arrival). */
  arrivalS: number;
  snrDb: number;
  edgeShare: number;
  deviceCapability: number;
  bandwidthHz: number;
  targetS: number;
  limitS: number;
  /** Time until the edge finishes the work queued before this request, s (0 without contention). */
  queueWaitS: number;
  /** Edge work booked from now on, s, gaps excluded (0 without contention): the queue's length, where queueWaitS is only its first busy stretch. */
  edgeBacklogS: number;
  /** Time until this receiver's device is free, s (0 without contention). */
  deviceWaitS: number;
  /** Requests that arrived in the last RATE_WINDOW_S seconds (this one included), per second: the load the edge is about to see. */
  recentArrivalRatePerS: number;
  /** Work booked on all the receivers' devices from now on, s (0 without contention). */
  devicesBacklogS: number;
  /** The edge's and this device's bookings with contention (null without): predictors clone them, never book on them. */
  edgeCalendar: Calendar | null;
  deviceCalendar: Calendar | null;
}

export interface ScenarioFeature {
  key:
    | 'snrDb'
    | 'edgeShare'
    | 'deviceCapability'
    | 'bandwidthHz'
    | 'targetS'
    | 'queueWaitS'
    | 'edgeBacklogS'
    | 'deviceWaitS'
    | 'recentArrivalRatePerS'
    | 'devicesBacklogS';
  min: number;
  max: number;
}

export const SCENARIO_FEATURES: readonly ScenarioFeature[] = [
  { key: 'snrDb', min: -6, max: 15 },
  { key: 'edgeShare', min: 0, max: 1 },
  { key: 'deviceCapability', min: 0, max: 1 },
  { key: 'bandwidthHz', min: 0, max: 20e6 },
  { key: 'targetS', min: 5, max: 25 },
  { key: 'queueWaitS', min: 0, max: 30 },
  { key: 'edgeBacklogS', min: 0, max: 60 },
  { key: 'deviceWaitS', min: 0, max: 30 },
];

/** Window of the recent arrival rate, s. */
export const RATE_WINDOW_S = 60;

/**
 * The default features plus what a planner would look at under load: the recent arrival
 * rate (is the edge about to be asked again soon?) and the work booked on every device.
 */
export const EXTENDED_FEATURES: readonly ScenarioFeature[] = [
  ...SCENARIO_FEATURES,
  { key: 'recentArrivalRatePerS', min: 0, max: 0.3 },
  { key: 'devicesBacklogS', min: 0, max: 120 },
];

/** Normalised features, clipped to [−1, 2] (queues can grow without bound under a bad policy). */
export function scenarioFeatures(
  s: ScenarioState,
  features: readonly ScenarioFeature[] = SCENARIO_FEATURES,
  out: Float32Array = new Float32Array(features.length),
): Float32Array {
  for (let i = 0; i < features.length; i++) {
    const f = features[i]!;
    out[i] = Math.min(2, Math.max(-1, (s[f.key] - f.min) / (f.max - f.min)));
  }
  return out;
}

/** A policy for scenarios: decides a request from what it can see. */
export interface ScenarioPolicy {
  readonly name: string;
  decide(state: ScenarioState): Decision;
}
