/**
 * The simulator's policies on a live lab: the edges online now, as the environment view a
 * policy reads (available capacity, the prophet's utilities) and as the state vector a
 * learner reads, built with the simulator's own normalisation (features.ts) from live
 * values. Live values can lie outside what the learner saw in training (an edge with more
 * capacity than the profile's largest, a task longer than its longest), so every feature is
 * clipped to [0, 1], the range of the simulator's state. An edge without an announced
 * capacity counts as unlimited (available +∞; its features clip to 1).
 */
import type { AspEnvView, AspPolicy } from '../policies/policy';
import { observation } from '../env/features';
import { taskRuntimeSeconds, type AspProfile } from '../env/profile';
import { qualityReward, type QualityCurve } from '../env/quality';
import type { Task } from '../env/tasks';
import type { Asp } from '../env/world';

export interface LiveEdge {
  /** Announced capacity in steps in flight; null: unlimited. */
  capacity: number | null;
  /** Steps in flight on it now (the coordinator's count). */
  inFlight: number;
  /** Its quality curve (announced or calibrated); null: unknown. */
  curve: QualityCurve | null;
}

export interface LiveDecision {
  /** Index into the edges given. */
  index: number;
  /** The state the policy saw (clipped to [0, 1]). */
  observation: Float32Array;
}

/** A big capacity for the unlimited edges inside the simulator's arithmetic. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** The environment view of live edges for one task of `steps` steps. */
export function liveView(
  profile: AspProfile,
  edges: readonly LiveEdge[],
  steps: number,
  index = 0,
): AspEnvView {
  const asps: Asp[] = edges.map((e, id) => ({
    id,
    capacity: e.capacity ?? UNLIMITED,
    curve: e.curve ?? { ax: 0, ay: 0, bx: 1, by: 0 },
  }));
  const task: Task = { index, arrival: 0, steps, runtime: taskRuntimeSeconds(profile, steps) };
  return {
    nAsps: edges.length,
    task,
    asps,
    available: (i) => {
      const e = edges[i]!;
      return e.capacity === null ? Number.POSITIVE_INFINITY : e.capacity - e.inFlight;
    },
    rewardIfAdmitted: (i) => {
      const c = edges[i]!.curve;
      if (!c) throw new TypeError(`edge ${i} has no quality curve (announce one or calibrate the lab)`);
      return qualityReward(c, steps);
    },
  };
}

/** The simulator's state of the live edges (features.ts), clipped to [0, 1]. */
export function liveObservation(
  profile: AspProfile,
  edges: readonly LiveEdge[],
  steps: number,
): Float32Array {
  const view = liveView(profile, edges, steps);
  const used = edges.map((e) => (e.capacity === null ? 0 : e.inFlight));
  const x = observation(profile, view.task, view.asps, used);
  for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(0, x[i]!));
  return x;
}

/** One decision of `policy` over the live edges. */
export function decideLive(
  policy: AspPolicy,
  profile: AspProfile,
  edges: readonly LiveEdge[],
  steps: number,
  index = 0,
): LiveDecision {
  const obs = liveObservation(profile, edges, steps);
  return { index: policy.decide(liveView(profile, edges, steps, index), obs), observation: obs };
}
