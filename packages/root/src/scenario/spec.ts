/**
 * A scenario: the service (timings, physical layer, attempts), the users (receivers,
 * arrivals, requirements) and the processes that drive their conditions. Two shapes:
 *
 * - **single request** (`contention: false`): every request meets an idle edge and an idle
 *   device, as in the paper; the next request's conditions do not depend on the split.
 * - **contention** (`contention: true`): K receivers send requests to one edge as a Poisson
 *   stream; the edge serves edge work first come first served, each receiver's device serves
 *   its own requests in order, so a split that puts more steps on the edge lengthens the
 *   waits of the requests behind it.
 *
 * Timings default to the paper's per-step times (0.2 s edge, 0.368 s device, 0.75 s text
 * encoding, 1.196 s VAE): the testbed's own model runs milliseconds per step, and the live
 * lab's device profile stretches steps to these same times.
 */
import { PAPER_PROFILE, type DynamicsSpec } from '../sim/profile';
import { DEFAULT_PHY, type PhySpec } from './phy';

export interface ScenarioTiming {
  edgeStepS: number;
  deviceStepS: number;
  textEncodeS: number;
  vaeDecodeS: number;
  overheadS: number;
}

/**
 * The profile's dynamics, read per receiver where it matters: the SNR process runs per
 * receiver (advanced at each of its requests), the device capability is drawn per receiver
 * at the episode start, the edge share is advanced per request and held for its service.
 */
export type ScenarioDynamics = DynamicsSpec;

export interface ScenarioSpec {
  name: string;
  totalSteps: number;
  timing: ScenarioTiming;
  phy: PhySpec;
  maxTries: number;
  failureLimitS: number;
  requestsPerEpisode: number;
  receivers: number;
  /** Poisson arrivals over all receivers, requests per second (used when contention is on). */
  arrivalRatePerS: number;
  contention: boolean;
  dynamics: ScenarioDynamics;
}

export const PAPER_TIMING: ScenarioTiming = {
  edgeStepS: PAPER_PROFILE.edgeStepS,
  deviceStepS: PAPER_PROFILE.deviceStepS,
  textEncodeS: PAPER_PROFILE.textEncodeS,
  vaeDecodeS: PAPER_PROFILE.vaeDecodeS,
  overheadS: 0,
};

export const SINGLE_REQUEST: ScenarioSpec = {
  name: 'single-request',
  totalSteps: 20,
  timing: PAPER_TIMING,
  phy: DEFAULT_PHY,
  maxTries: 3,
  failureLimitS: 60,
  requestsPerEpisode: 32,
  receivers: 1,
  arrivalRatePerS: 0,
  contention: false,
  // The paper profile's processes (SNR −6…15 dB, share 0.1…1, capability 0.25…1, B 1–20 MHz, Ľ 5–25 s).
  dynamics: PAPER_PROFILE.dynamics,
};

/**
 * Eight receivers, 0.06 requests/s in all (one request per receiver every 2.2 min): with
 * regenerations, every request at a = 20 or Edge AIGC keeps the edge busy enough that waits
 * reach 20–30 s, while the queue-aware hand rule keeps them near 3 s: the split decides how
 * long the queue is for the requests behind it.
 */
export const CONTENTION: ScenarioSpec = {
  ...SINGLE_REQUEST,
  name: 'contention',
  requestsPerEpisode: 64,
  receivers: 8,
  arrivalRatePerS: 0.06,
  contention: true,
  dynamics: {
    ...SINGLE_REQUEST.dynamics,
    edgeShare: { kind: 'gauss-markov', mean: 0.55, std: 0.25, rho: 0.95, min: 0.2, max: 1 },
  },
};

/**
 * The contention scenario at twice the load (0.12 requests/s): the queue-aware rule's
 * waits grow, and what one request's edge work does to the next ones matters more; the
 * scenario where a non-myopic policy has the most room (README: headroom).
 */
export const CONTENTION_HEAVY: ScenarioSpec = {
  ...CONTENTION,
  name: 'contention-heavy',
  arrivalRatePerS: 0.12,
};

export function checkScenario(s: ScenarioSpec): void {
  const bad = (field: string, why: string): never => {
    throw new TypeError(`scenario '${s.name}'.${field}: ${why}`);
  };
  if (!Number.isInteger(s.totalSteps) || s.totalSteps < 1) bad('totalSteps', 'must be an integer >= 1');
  if (!Number.isInteger(s.receivers) || s.receivers < 1) bad('receivers', 'must be an integer >= 1');
  if (!Number.isInteger(s.requestsPerEpisode) || s.requestsPerEpisode < 1)
    bad('requestsPerEpisode', 'must be an integer >= 1');
  if (!Number.isInteger(s.maxTries) || s.maxTries < 1) bad('maxTries', 'must be an integer >= 1');
  if (s.contention && !(s.arrivalRatePerS > 0)) bad('arrivalRatePerS', 'must be > 0 with contention');
  for (const k of ['edgeStepS', 'deviceStepS'] as const)
    if (!(s.timing[k] > 0)) bad(`timing.${k}`, 'must be > 0');
}
