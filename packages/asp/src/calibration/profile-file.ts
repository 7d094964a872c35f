/**
 * A lab-calibrated environment profile: the lab's edges as the ASPs (their announced
 * capacities and their fitted quality curves, in a fixed order), the lab's step counts as
 * the task demands and a linear runtime. Saved as JSON by `semaigc asp calibrate` and read
 * by `semaigc asp train --profile <file>`, so learners train on the lab's own edges, and by
 * the coordinator's prophet and DRL edge selectors (edge i of the file is action i).
 */
import { AGOD_CODE_PROFILE, checkProfile, type AspProfile } from '../env/profile';
import type { QualityCurve } from '../env/quality';

export const CALIBRATED_PROFILE_FORMAT = 'semaigc-asp-profile';

export interface CalibratedEdge {
  edgeId: string;
  /** Announced capacity in steps in flight (capabilities.capacitySteps). */
  capacity: number;
  curve: QualityCurve;
  /** Fit error and the points behind it (null when the curve was announced, not fitted). */
  rmse: number | null;
  points: number | null;
}

export interface CalibratedProfileFile {
  format: typeof CALIBRATED_PROFILE_FORMAT;
  version: 1;
  edges: CalibratedEdge[];
  profile: AspProfile;
}

export interface CalibratedProfileOptions {
  name: string;
  edges: readonly CalibratedEdge[];
  /** Step counts a task may need (the lab's edge steps a). */
  taskStepChoices: readonly number[];
  /** A task's runtime in the simulator: overheadS + steps·perStepS (the lab's measured step time). */
  runtime: { overheadS: number; perStepS: number };
  /** Arrivals per second and episode length (≈ arrivalRate·episodeSeconds tasks per episode). */
  arrivalRate: number;
  episodeSeconds: number;
  /** r̂_F; default the papers' 2. */
  crashPenalty?: number;
}

/** The profile file of a calibrated lab; TypeError names the field. */
export function calibratedProfile(o: CalibratedProfileOptions): CalibratedProfileFile {
  if (o.edges.length === 0) throw new TypeError('calibratedProfile: edges must not be empty');
  const sorted = [...new Set(o.taskStepChoices)].sort((a, b) => a - b);
  const profile = checkProfile({
    ...AGOD_CODE_PROFILE,
    name: o.name,
    nAsps: o.edges.length,
    capacityChoices: o.edges.map((e) => e.capacity),
    taskStepChoices: sorted,
    arrivalRate: o.arrivalRate,
    episodeSeconds: o.episodeSeconds,
    axChoices: o.edges.map((e) => e.curve.ax),
    ayChoices: o.edges.map((e) => e.curve.ay),
    bxChoices: o.edges.map((e) => e.curve.bx),
    byChoices: o.edges.map((e) => e.curve.by),
    crashPenalty: o.crashPenalty ?? AGOD_CODE_PROFILE.crashPenalty,
    world: o.edges.map((e) => ({ capacity: e.capacity, curve: { ...e.curve } })),
    runtime: { ...o.runtime },
  });
  return { format: CALIBRATED_PROFILE_FORMAT, version: 1, edges: o.edges.map((e) => ({ ...e })), profile };
}

/** Reads a profile file back (parsed JSON); TypeError names what does not match. */
export function parseCalibratedProfile(value: unknown, source = 'profile file'): CalibratedProfileFile {
  const f = value as CalibratedProfileFile;
  if (!f || f.format !== CALIBRATED_PROFILE_FORMAT || f.version !== 1)
    throw new TypeError(`${source}: format must be ${CALIBRATED_PROFILE_FORMAT} v1`);
  if (!Array.isArray(f.edges) || f.edges.length === 0)
    throw new TypeError(`${source}: edges must be a non-empty list`);
  f.edges.forEach((e, i) => {
    if (typeof e.edgeId !== 'string' || e.edgeId.length === 0)
      throw new TypeError(`${source}: edges[${i}].edgeId must be a node id`);
  });
  if (!f.profile || !Array.isArray(f.profile.world))
    throw new TypeError(`${source}: profile.world must list the calibrated edges`);
  if (f.profile.world.length !== f.edges.length)
    throw new TypeError(
      `${source}: profile.world has ${f.profile.world.length} edges, edges has ${f.edges.length}`,
    );
  try {
    checkProfile(f.profile);
  } catch (err) {
    throw new TypeError(`${source}: ${(err as Error).message}`, { cause: err });
  }
  return f;
}
