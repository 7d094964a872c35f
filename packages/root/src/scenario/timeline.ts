/**
 * The time one request takes, component by component, in a scenario. Shared by the
 * environment (which samples HARQ times and the gate) and by the policies that predict
 * (heuristics, oracle), so that a prediction is the environment's own model.
 *
 *   setup (text encoding: edge, or device for Local AIGC)
 *   attempt: edge work → link → device work → quality gate; failed attempts are regenerated
 *
 * With contention each attempt's edge work and device work are booked on the edge's and
 * the device's calendars (calendar.ts) in the earliest gap that fits, when the attempt is
 * ready; a prediction books on copies, so it is the environment's own model.
 */
import { satisfaction } from '@semaigc/metrics';
import type { Decision } from '../sim/latency-model';
import { analogLatentS, digitalLink } from './phy';
import type { ScenarioSpec } from './spec';
import type { ScenarioState } from './state';
import type { Calendar } from './calendar';
import type { QualityInput, QualitySource } from './quality-source';

export interface AttemptWork {
  /** Edge time before the first attempt (text encoding), s. */
  setupEdgeS: number;
  /** Device time before the first attempt (Local AIGC's text encoding), s. */
  setupDeviceS: number;
  edgeS: number;
  /** Expected link time (HARQ included for the digital link), s. */
  linkS: number;
  deviceS: number;
}

export function checkDecision(spec: ScenarioSpec, d: Decision): void {
  if (!Number.isInteger(d.edgeSteps) || d.edgeSteps < 0 || d.edgeSteps > spec.totalSteps) {
    throw new TypeError(
      `decision.edgeSteps must be an integer in [0, ${spec.totalSteps}], got ${d.edgeSteps}`,
    );
  }
}

export function attemptWork(spec: ScenarioSpec, s: ScenarioState, d: Decision): AttemptWork {
  checkDecision(spec, d);
  const t = spec.timing;
  const T = spec.totalSteps;
  const p = s.edgeShare;
  const c = s.deviceCapability;
  switch (d.scheme) {
    case 'split':
      return {
        setupEdgeS: t.textEncodeS / p,
        setupDeviceS: 0,
        edgeS: (d.edgeSteps * t.edgeStepS) / p + t.overheadS,
        linkS: analogLatentS(spec.phy, s.bandwidthHz),
        deviceS: ((T - d.edgeSteps) * t.deviceStepS + t.vaeDecodeS) / c,
      };
    case 'edge-image':
      return {
        setupEdgeS: t.textEncodeS / p,
        setupDeviceS: 0,
        edgeS: (T * t.edgeStepS + t.vaeDecodeS * (t.edgeStepS / t.deviceStepS)) / p + t.overheadS,
        linkS: digitalLink(spec.phy, spec.phy.imageBits, s.bandwidthHz, s.snrDb).expectedS,
        deviceS: 0,
      };
    case 'local':
      return {
        setupEdgeS: 0,
        setupDeviceS: (t.textEncodeS * (t.deviceStepS / t.edgeStepS)) / c,
        edgeS: 0,
        linkS: 0,
        deviceS: (T * t.deviceStepS + t.vaeDecodeS) / c + t.overheadS,
      };
  }
}

export function qualityInput(s: ScenarioState, d: Decision): QualityInput {
  return d.scheme === 'split' ? { kind: 'split', edgeSteps: d.edgeSteps, snrDb: s.snrDb } : { kind: 'clean' };
}

/**
 * Books the request's attempts on the servers and returns the latency at the end of each
 * attempt (s from arrival), stopping after attempt k when `stop(k, latency)` says so.
 * `linkS(k)` is attempt k's link time. Without calendars the servers are idle.
 */
export function bookAttempts(
  spec: ScenarioSpec,
  s: ScenarioState,
  d: Decision,
  edge: Calendar | null,
  device: Calendar | null,
  linkS: (k: number) => number,
  stop: (k: number, latencyS: number) => boolean = () => false,
): number[] {
  const w = attemptWork(spec, s, d);
  const t0 = s.arrivalS;
  const ends: number[] = [];
  let tau = t0;
  for (let k = 1; k <= spec.maxTries; k++) {
    const edgeWork = (k === 1 ? w.setupEdgeS : 0) + w.edgeS;
    if (edgeWork > 0) tau = edge ? edge.book(tau, edgeWork) : tau + edgeWork;
    tau += linkS(k);
    const deviceWork = (k === 1 ? w.setupDeviceS : 0) + w.deviceS;
    if (deviceWork > 0) tau = device ? device.book(tau, deviceWork) : tau + deviceWork;
    ends.push(tau - t0);
    if (stop(k, tau - t0)) break;
  }
  return ends;
}

/** Latency at the end of each attempt k = 1..maxTries (expected link times), s from arrival. */
export function attemptEnds(spec: ScenarioSpec, s: ScenarioState, d: Decision, withQueue = true): number[] {
  const w = attemptWork(spec, s, d);
  const q = withQueue && s.edgeCalendar && s.deviceCalendar;
  return bookAttempts(
    spec,
    s,
    d,
    q ? s.edgeCalendar!.clone() : null,
    q ? s.deviceCalendar!.clone() : null,
    () => w.linkS,
  );
}

export interface Prediction {
  /** E[satisfaction] over the gate's draws (mean over caption classes). */
  satisfaction: number;
  /** Latency of the first attempt, s. */
  firstAttemptS: number;
  /** Mean pass probability of one attempt. */
  passProbability: number;
}

/** The exact expectation of the environment's model for this request (HARQ at its mean). */
export function predict(
  spec: ScenarioSpec,
  quality: QualitySource,
  s: ScenarioState,
  d: Decision,
  withQueue = true,
): Prediction {
  const ends = attemptEnds(spec, s, d, withQueue);
  const req = { targetS: s.targetS, limitS: s.limitS, failureLimitS: spec.failureLimitS };
  const sat = ends.map((L) => (L > spec.failureLimitS ? 0 : satisfaction(L, req)));
  const input = qualityInput(s, d);
  const pv = quality.passVector(input);
  let total = 0;
  let meanPass = 0;
  for (let c = 0; c < pv.length; c++) {
    const p = pv[c]!;
    meanPass += p;
    let reach = 1;
    for (let k = 0; k < sat.length; k++) {
      if (ends[k]! > spec.failureLimitS) break;
      total += reach * p * sat[k]!;
      reach *= 1 - p;
    }
  }
  return {
    satisfaction: total / pv.length,
    firstAttemptS: ends[0]!,
    passProbability: meanPass / pv.length,
  };
}
