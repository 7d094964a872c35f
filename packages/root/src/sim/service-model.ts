/**
 * What happens to one request: attempts are generated until one passes the quality gate,
 * up to `maxTries`; the latency of every attempt accumulates; a request whose latency
 * passes the failure limit, or whose last attempt still fails the gate, has failed.
 *
 *   setup (text encoding) → attempt 1 → gate → attempt 2 → gate → … (≤ maxTries)
 *
 * The realised quality of an attempt is q + σ·z (z ~ N(0, 1)): q from the quality model
 * for the scheme, σ = quality.noiseStd. An attempt passes when it reaches the threshold,
 * with probability P = Φ((q − threshold)/σ). The reward is the user's satisfaction with
 * the final latency (0 for a failed request).
 *
 * `sampleOutcome` draws one realisation (what the agent is trained on);
 * `expectedOutcome` sums over the attempts in closed form (what the oracle maximises and
 * what evaluation reports, free of sampling noise).
 */
import { satisfaction } from '@semaigc/metrics';
import type { Rng } from '../rng';
import type { RequestConditions } from './conditions';
import { attemptLatency, partsTotal, setupLatency, type Decision, type LatencyParts } from './latency-model';
import type { ServiceProfile } from './profile';
import type { QualityTable } from './quality-model';

/** Expected quality of an attempt under the decision, before the per-attempt noise. */
export function expectedQuality(
  profile: ServiceProfile,
  table: QualityTable,
  c: RequestConditions,
  d: Decision,
): number {
  switch (d.scheme) {
    case 'split':
      return table.quality(profile.totalSteps - d.edgeSteps, c.snrDb);
    case 'edge-image':
      // The image crosses the same channel with no receiver denoising: it is as good as a
      // latent that got no fine-tuning steps (Non-fine-tuning AIGC) at that SNR.
      return table.quality(0, c.snrDb);
    case 'local':
      return profile.quality.local;
  }
}

/** Standard normal CDF Φ(x), via erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Probability that one attempt passes the quality gate. */
export function passProbability(profile: ServiceProfile, quality: number): number {
  const { threshold, noiseStd } = profile.quality;
  if (noiseStd === 0) return quality >= threshold ? 1 : 0;
  return normalCdf((quality - threshold) / noiseStd);
}

export interface Outcome {
  /** Total latency, s (for a failed request: the time spent until it was given up). */
  latencyS: number;
  /** The same, per component (text encoding counts as edge or device time). */
  parts: LatencyParts;
  /** Attempts made (1..maxTries). */
  tries: number;
  /** Realised quality of the last attempt. */
  quality: number;
  /** True when the request failed (quality never passed, or over the failure limit). */
  failed: boolean;
  /** The reward: satisfaction with the latency, 0 if failed. */
  satisfaction: number;
}

function requirement(profile: ServiceProfile, c: RequestConditions): Parameters<typeof satisfaction>[1] {
  return { targetS: c.targetS, limitS: c.limitS, failureLimitS: profile.failureLimitS };
}

/** One realisation of the request under the decision; `rng` gives the quality draws. */
export function sampleOutcome(
  profile: ServiceProfile,
  table: QualityTable,
  c: RequestConditions,
  d: Decision,
  rng: Rng,
): Outcome {
  const setup = setupLatency(profile, c, d);
  const attempt = attemptLatency(profile, c, d);
  const q = expectedQuality(profile, table, c, d);
  const parts = { ...setup };
  let quality = q;
  for (let k = 1; k <= profile.maxTries; k++) {
    parts.edgeS += attempt.edgeS;
    parts.transmitS += attempt.transmitS;
    parts.deviceS += attempt.deviceS;
    const latencyS = partsTotal(parts);
    quality = q + profile.quality.noiseStd * rng.normal();
    if (latencyS > profile.failureLimitS) {
      return { latencyS, parts, tries: k, quality, failed: true, satisfaction: 0 };
    }
    if (quality >= profile.quality.threshold) {
      return {
        latencyS,
        parts,
        tries: k,
        quality,
        failed: false,
        satisfaction: satisfaction(latencyS, requirement(profile, c)),
      };
    }
  }
  return {
    latencyS: partsTotal(parts),
    parts,
    tries: profile.maxTries,
    quality,
    failed: true,
    satisfaction: 0,
  };
}

export interface ExpectedOutcome {
  /** E[satisfaction] over the quality draws. */
  satisfaction: number;
  /** E[latency], s, counting failed requests at the time they were given up. */
  latencyS: number;
  /** P(request fails). */
  failureProbability: number;
  /** P(one attempt passes the gate). */
  passProbability: number;
  /** E[attempts]. */
  tries: number;
}

/** Closed-form expectation over the attempts (same semantics as `sampleOutcome`). */
export function expectedOutcome(
  profile: ServiceProfile,
  table: QualityTable,
  c: RequestConditions,
  d: Decision,
): ExpectedOutcome {
  const setupS = partsTotal(setupLatency(profile, c, d));
  const attemptS = partsTotal(attemptLatency(profile, c, d));
  const pass = passProbability(profile, expectedQuality(profile, table, c, d));
  const req = requirement(profile, c);
  let reach = 1; // P(attempt k is made)
  let sat = 0;
  let latency = 0;
  let tries = 0;
  let failure = 0;
  for (let k = 1; k <= profile.maxTries; k++) {
    const latencyS = setupS + k * attemptS;
    tries += reach;
    if (latencyS > profile.failureLimitS) {
      failure += reach;
      latency += reach * latencyS;
      break;
    }
    sat += reach * pass * satisfaction(latencyS, req);
    latency += reach * pass * latencyS;
    if (k === profile.maxTries) {
      failure += reach * (1 - pass);
      latency += reach * (1 - pass) * latencyS;
    }
    reach *= 1 - pass;
  }
  return { satisfaction: sat, latencyS: latency, failureProbability: failure, passProbability: pass, tries };
}
