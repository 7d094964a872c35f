/**
 * The conditions one request meets: what the edge knows when it decides the split (the
 * state of the MDP, before normalisation) and what the service model needs to compute the
 * request's latency. A `ConditionStream` draws them request by request from a profile's
 * dynamics; its randomness is independent of the actions taken, so every policy evaluated
 * with the same seed meets the same sequence of conditions.
 */
import { createRng, mixSeed, type Rng } from '../rng';
import { createProcess, type ScalarProcess } from './process';
import type { ServiceProfile } from './profile';

export interface RequestConditions {
  /** Edge UNet step at full share, s (the state's W̄_i: processing density over capability). */
  edgeStepS: number;
  /** Device UNet step on the reference device, s (the state's W̄_j). */
  deviceStepS: number;
  /** Link SNR, dB. */
  snrDb: number;
  /** Edge compute share (PACR) p ∈ (0, 1] (the state's ν̄_i). */
  edgeShare: number;
  /** Device capability c ∈ (0, 1] relative to the reference device (the state's ν̄_j). */
  deviceCapability: number;
  /** Link bandwidth B, Hz. */
  bandwidthHz: number;
  /** Ľ, s: fully satisfied at or below (the state's L̄_j). */
  targetS: number;
  /** L̂, s: satisfaction 0 at or above. */
  limitS: number;
}

/** Stream ids for mixSeed, so that conditions and outcomes never share random numbers. */
export const STREAM_CONDITIONS = 1;
export const STREAM_OUTCOMES = 2;

/** Draws the conditions of successive requests; `reset(episode)` starts an episode. */
export class ConditionStream {
  private readonly snr: ScalarProcess;
  private readonly share: ScalarProcess;
  private readonly capability: ScalarProcess;
  private readonly bandwidth: ScalarProcess;
  private readonly target: ScalarProcess;
  private rng: Rng;

  constructor(
    private readonly profile: ServiceProfile,
    private readonly seed: number,
  ) {
    const d = profile.dynamics;
    this.snr = createProcess(d.snrDb);
    this.share = createProcess(d.edgeShare);
    this.capability = createProcess(d.deviceCapability);
    this.bandwidth = createProcess(d.bandwidthHz);
    this.target = createProcess(d.targetS);
    this.rng = createRng(mixSeed(seed, STREAM_CONDITIONS, 0));
  }

  /** First request of episode `episode` (same seed and episode → same conditions). */
  reset(episode: number): RequestConditions {
    this.rng = createRng(mixSeed(this.seed, STREAM_CONDITIONS, episode));
    const r = this.rng;
    return this.make(
      this.snr.reset(r),
      this.share.reset(r),
      this.capability.reset(r),
      this.bandwidth.reset(r),
      this.target.reset(r),
    );
  }

  next(): RequestConditions {
    const r = this.rng;
    return this.make(
      this.snr.next(r),
      this.share.next(r),
      this.capability.next(r),
      this.bandwidth.next(r),
      this.target.next(r),
    );
  }

  private make(
    snrDb: number,
    edgeShare: number,
    deviceCapability: number,
    bandwidthHz: number,
    targetS: number,
  ): RequestConditions {
    const p = this.profile;
    return {
      edgeStepS: p.edgeStepS,
      deviceStepS: p.deviceStepS,
      snrDb,
      edgeShare,
      deviceCapability,
      bandwidthHz,
      targetS,
      limitS: Math.max(targetS, Math.min(p.dynamics.bandFactor * targetS, p.failureLimitS)),
    };
  }
}

/** `n` requests of `episodes` episodes laid end to end (evaluation sets). */
export function drawConditions(profile: ServiceProfile, seed: number, episodes: number): RequestConditions[] {
  const stream = new ConditionStream(profile, seed);
  const out: RequestConditions[] = [];
  for (let e = 0; e < episodes; e++) {
    out.push(stream.reset(e));
    for (let i = 1; i < profile.requestsPerEpisode; i++) out.push(stream.next());
  }
  return out;
}
