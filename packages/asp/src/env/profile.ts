/**
 * Every constant of the ASP-selection environment, in one place, with its source.
 *
 * Sources: "AaaS" = the AIGC-as-a-Service article (section IV-A), "D2SAC" = the D2SAC
 * article (section VI-A, Tables I–II), "code" = the papers' public code (Lizonghang/AGOD,
 * env/config.py, env/task.py, env/service_provider.py). Where they differ the default
 * profile follows the code, because the D2SAC paper's Tables III and V were produced by
 * it; the papers' own values are the other profiles (README, "Profiles").
 */

import type { QualityCurve } from './quality';

export interface AspProfile {
  name: string;
  /** Number of ASPs I (AaaS, D2SAC and code: 20). */
  nAsps: number;
  /** Capacities an ASP draws from, uniformly: total denoising steps it can run at once. */
  capacityChoices: readonly number[];
  /** Denoising steps a task needs, drawn uniformly from these (code: 100, 110, …, 250). */
  taskStepChoices: readonly number[];
  /** Poisson arrival rate λ per second (D2SAC eq. and code LAMBDA: 0.001). */
  arrivalRate: number;
  /** Length of an episode in seconds (code TOTAL_TIME: 1e6, so ≈ 1000 tasks). */
  episodeSeconds: number;
  /** Quality-curve parameters of each ASP, each drawn uniformly from its list. */
  axChoices: readonly number[];
  ayChoices: readonly number[];
  bxChoices: readonly number[];
  byChoices: readonly number[];
  /** Fixed crash penalty r̂_F (D2SAC eq. 18 and code CRASH_PENALTY_COEF: 2). */
  crashPenalty: number;
  /**
   * A lab-calibrated profile's fixed ASPs (capacity and measured curve, one per edge): the
   * world is these instead of a draw from the choices above (calibration/profile-file.ts).
   */
  world?: readonly { capacity: number; curve: QualityCurve }[];
  /**
   * A task's runtime as overheadS + steps·perStepS seconds instead of the code's RePaint
   * formula (a lab's edges run a few steps of a small model in seconds, not minutes).
   */
  runtime?: { overheadS: number; perStepS: number };
}

/** lo, lo + step, …, up to and including hi (within float tolerance). */
export function grid(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; lo + i * step <= hi + 1e-9; i++) out.push(Math.round((lo + i * step) * 1e6) / 1e6);
  return out;
}

/**
 * Runtime of a task of `steps` denoising steps, in seconds (code env/config.py RUNTIME:
 * (0.001·T² + 2.5·T − 14) minutes, from RePaint timings; the papers give no formula).
 */
export function runtimeSeconds(steps: number): number {
  return (0.001 * steps * steps + 2.5 * steps - 14) * 60;
}

/** Runtime of a task of `steps` steps under `profile`: its linear lab runtime, else the code's. */
export function taskRuntimeSeconds(profile: AspProfile, steps: number): number {
  const r = profile.runtime;
  return r ? r.overheadS + steps * r.perStepS : runtimeSeconds(steps);
}

// The code draws with np.arange(lo, hi, step), which stops before hi: capacity 400..900,
// A_x 0..90, A_y 0..0.45, B_x 150..240, B_y 0.5..0.95. np.arange(100, 260, 10) does reach 250.
const CODE_QUALITY = {
  axChoices: grid(0, 90, 10),
  ayChoices: grid(0, 0.45, 0.05),
  bxChoices: grid(150, 240, 10),
  byChoices: grid(0.5, 0.95, 0.05),
};

/** The public code's environment (default). */
export const AGOD_CODE_PROFILE: Readonly<AspProfile> = Object.freeze({
  name: 'agod-code',
  nAsps: 20,
  capacityChoices: grid(400, 900, 100),
  taskStepChoices: grid(100, 250, 10),
  arrivalRate: 0.001,
  episodeSeconds: 1_000_000,
  ...CODE_QUALITY,
  crashPenalty: 2,
});

/**
 * The D2SAC paper's text: capacity "from 400 to 1000" and A_x ∈ [0, 100], A_y ∈ [0, 0.5],
 * B_x ∈ [150, 250], B_y ∈ [0.5, 1] with the end points included (on the code's grids).
 */
export const D2SAC_PAPER_PROFILE: Readonly<AspProfile> = Object.freeze({
  ...AGOD_CODE_PROFILE,
  name: 'd2sac-paper',
  capacityChoices: grid(400, 1000, 100),
  axChoices: grid(0, 100, 10),
  ayChoices: grid(0, 0.5, 0.05),
  bxChoices: grid(150, 250, 10),
  byChoices: grid(0.5, 1, 0.05),
});

/** The AaaS article: capacity "from 600 to 1500", the rest as the code. */
export const AAAS_PAPER_PROFILE: Readonly<AspProfile> = Object.freeze({
  ...AGOD_CODE_PROFILE,
  name: 'aaas-paper',
  capacityChoices: grid(600, 1500, 100),
});

export const ASP_PROFILES: Readonly<Record<string, Readonly<AspProfile>>> = Object.freeze({
  'agod-code': AGOD_CODE_PROFILE,
  'd2sac-paper': D2SAC_PAPER_PROFILE,
  'aaas-paper': AAAS_PAPER_PROFILE,
});

export const DEFAULT_ASP_PROFILE = AGOD_CODE_PROFILE;

/** The profile `name`, optionally with another arrival rate (Fig. 6). TypeError names the field. */
export function aspProfile(name: string, overrides: Partial<AspProfile> = {}): AspProfile {
  const base = ASP_PROFILES[name];
  if (!base) {
    throw new TypeError(
      `aspProfile: unknown profile '${name}' (one of ${Object.keys(ASP_PROFILES).join(', ')})`,
    );
  }
  return checkProfile({ ...base, ...overrides });
}

export function checkProfile(p: AspProfile): AspProfile {
  const positive = (k: keyof AspProfile): void => {
    const v = p[k] as number;
    if (!(typeof v === 'number' && v > 0))
      throw new TypeError(`AspProfile.${k} must be > 0, got ${String(v)}`);
  };
  positive('arrivalRate');
  positive('episodeSeconds');
  positive('crashPenalty');
  if (!Number.isInteger(p.nAsps) || p.nAsps < 1)
    throw new TypeError(`AspProfile.nAsps must be an integer >= 1, got ${p.nAsps}`);
  for (const k of [
    'capacityChoices',
    'taskStepChoices',
    'axChoices',
    'ayChoices',
    'bxChoices',
    'byChoices',
  ] as const) {
    if (p[k].length === 0) throw new TypeError(`AspProfile.${k} must not be empty`);
  }
  if (p.world && p.world.length !== p.nAsps)
    throw new TypeError(`AspProfile.world has ${p.world.length} ASPs, nAsps is ${p.nAsps}`);
  p.world?.forEach((a, i) => {
    if (!(Number.isFinite(a.capacity) && a.capacity > 0))
      throw new TypeError(`AspProfile.world[${i}].capacity must be > 0, got ${a.capacity}`);
    if (!(a.curve.bx > a.curve.ax)) throw new TypeError(`AspProfile.world[${i}].curve.bx must be > ax`);
  });
  if (p.runtime && !(p.runtime.overheadS >= 0 && p.runtime.perStepS > 0))
    throw new TypeError('AspProfile.runtime needs overheadS >= 0 and perStepS > 0');
  if (!p.world && Math.max(...p.axChoices) >= Math.min(...p.bxChoices))
    throw new TypeError('AspProfile.axChoices must all be below bxChoices (the curve rises from A_x to B_x)');
  return p;
}
