/**
 * User satisfaction with a service latency, the reward of the ROOT agent (SemAIGC paper,
 * eq. 24, continuous reading):
 *
 *   s(L) = 1                    if L ≤ Ľ
 *        = (L̂ − L) / (L̂ − Ľ)     if Ľ < L < L̂
 *        = 0                    if L ≥ L̂, or if the request failed (L > failure limit)
 *
 * [Ľ, L̂] is the receiver's latency requirement band. Eq. 24 as printed, (Ľ − L)/(Ľ − L̂),
 * rises with L inside the band (and the authors' code rewards lateness the same way); the
 * reading here falls linearly from 1 at Ľ to 0 at L̂, so the function is continuous and
 * non-increasing. With Ľ = L̂ it is a hard deadline: 1 up to Ľ, 0 after.
 */

/** A latency requirement band, in seconds. */
export interface LatencyRequirement {
  /** Ľ: at or below this latency the user is fully satisfied. */
  targetS: number;
  /** L̂: at or above this latency satisfaction is 0 (L̂ ≥ Ľ). */
  limitS: number;
  /** A request slower than this has failed (60 s in the paper's profile); default: none. */
  failureLimitS?: number;
}

function checkRequirement(req: LatencyRequirement): void {
  const { targetS, limitS, failureLimitS } = req;
  if (!Number.isFinite(targetS) || targetS < 0) {
    throw new TypeError(`satisfaction: targetS must be a finite number >= 0, got ${targetS}`);
  }
  if (!Number.isFinite(limitS) || limitS < targetS) {
    throw new TypeError(
      `satisfaction: limitS must be a finite number >= targetS (${targetS}), got ${limitS}`,
    );
  }
  if (failureLimitS !== undefined && !(failureLimitS > 0)) {
    throw new TypeError(`satisfaction: failureLimitS must be > 0 when given, got ${failureLimitS}`);
  }
}

/** True when a request of this latency has failed (strictly over the failure limit). */
export function isFailed(latencyS: number, failureLimitS: number | undefined): boolean {
  if (Number.isNaN(latencyS)) throw new TypeError('isFailed: latencyS is NaN');
  return failureLimitS !== undefined && latencyS > failureLimitS;
}

/**
 * Satisfaction in [0, 1] of one request served in `latencyS` seconds (Infinity = never
 * served). Throws TypeError for a NaN or negative latency or an invalid band.
 */
export function satisfaction(latencyS: number, req: LatencyRequirement): number {
  checkRequirement(req);
  if (Number.isNaN(latencyS) || latencyS < 0) {
    throw new TypeError(`satisfaction: latencyS must be a number >= 0, got ${latencyS}`);
  }
  if (isFailed(latencyS, req.failureLimitS)) return 0;
  if (latencyS <= req.targetS) return 1;
  if (latencyS >= req.limitS) return 0;
  return (req.limitS - latencyS) / (req.limitS - req.targetS);
}
