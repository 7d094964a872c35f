/**
 * The scenario environment: an episode is `requestsPerEpisode` requests (over all receivers);
 * each step serves one request with the decision taken and returns its satisfaction and
 * the next request's state. With contention the edge and each device are first-come
 * first-served servers whose backlog carries from request to request inside an episode
 * (an episode starts idle); without it every request meets idle servers.
 *
 * Randomness (common random numbers): the conditions stream (arrival gaps, receiver, SNR,
 * edge share, bandwidth, requirement) does not depend on decisions; the outcome stream of
 * request i (caption class, gate draws, HARQ draws) is keyed by (seed, episode, i). Every
 * policy run with one seed meets the same requests and the same luck; only the queues they
 * build differ.
 */
import { satisfaction } from '@semaigc/metrics';
import { createRng, mixSeed, type Rng } from '../rng';
import type { Decision } from '../sim/latency-model';
import { createProcess, type ScalarProcess } from '../sim/process';
import { digitalLink, sampleDigitalS } from './phy';
import type { QualitySource } from './quality-source';
import { checkScenario, type ScenarioSpec } from './spec';
import type { ScenarioState } from './state';
import { Calendar } from './calendar';
import { attemptWork, bookAttempts, qualityInput } from './timeline';

const STREAM_CONDITIONS = 21;
const STREAM_OUTCOMES = 22;

export interface ScenarioOutcome {
  latencyS: number;
  tries: number;
  failed: boolean;
  satisfaction: number;
  /** Edge work this request booked, s (what it adds to later requests' queue). */
  edgeBusyS: number;
}

export interface ScenarioStep {
  outcome: ScenarioOutcome;
  reward: number;
  next: ScenarioState | null;
  terminated: boolean;
}

export class ScenarioEnv {
  private readonly snr: ScalarProcess[];
  private readonly share: ScalarProcess;
  private readonly bandwidth: ScalarProcess;
  private readonly target: ScalarProcess;
  private readonly capability: ScalarProcess;
  private rng: Rng = createRng(0);
  private episode = -1;
  private index = 0;
  private clock = 0;
  private readonly edge = new Calendar();
  private readonly devices: Calendar[];
  private capabilities: number[];
  private snrs: number[];
  private current: ScenarioState | null = null;

  constructor(
    readonly spec: ScenarioSpec,
    readonly quality: QualitySource,
    readonly seed: number,
  ) {
    checkScenario(spec);
    if (!Number.isInteger(seed)) throw new TypeError(`ScenarioEnv: seed must be an integer, got ${seed}`);
    const d = spec.dynamics;
    this.snr = Array.from({ length: spec.receivers }, () => createProcess(d.snrDb));
    this.share = createProcess(d.edgeShare);
    this.bandwidth = createProcess(d.bandwidthHz);
    this.target = createProcess(d.targetS);
    this.capability = createProcess(d.deviceCapability);
    this.devices = Array.from({ length: spec.receivers }, () => new Calendar());
    this.capabilities = new Array<number>(spec.receivers).fill(1);
    this.snrs = new Array<number>(spec.receivers).fill(0);
  }

  reset(episode = this.episode + 1): ScenarioState {
    if (!Number.isInteger(episode) || episode < 0) {
      throw new TypeError(`ScenarioEnv.reset: episode must be an integer >= 0, got ${episode}`);
    }
    this.episode = episode;
    this.index = 0;
    this.clock = 0;
    this.edge.clear();
    for (const c of this.devices) c.clear();
    this.rng = createRng(mixSeed(this.seed, STREAM_CONDITIONS, episode));
    const r = this.rng;
    for (let k = 0; k < this.spec.receivers; k++) {
      this.capabilities[k] = this.capability.reset(r);
      this.snrs[k] = this.snr[k]!.reset(r);
    }
    this.share.reset(r);
    this.current = this.draw(true);
    return this.current;
  }

  get state(): ScenarioState {
    if (!this.current) throw new TypeError('ScenarioEnv: call reset() before step()');
    return this.current;
  }

  get episodeIndex(): number {
    return this.episode;
  }

  /** The next request's conditions (exogenous) and the queues it meets (endogenous). */
  private draw(first: boolean): ScenarioState {
    const r = this.rng;
    const spec = this.spec;
    const gap = spec.contention ? -Math.log(1 - r.uniform()) / spec.arrivalRatePerS : 0;
    if (!first) this.clock += gap;
    this.edge.prune(this.clock);
    for (const c of this.devices) c.prune(this.clock);
    const receiver = spec.receivers > 1 ? r.int(spec.receivers) : 0;
    const snrDb = first ? this.snrs[receiver]! : (this.snrs[receiver] = this.snr[receiver]!.next(r));
    const edgeShare = this.share.next(r);
    const bandwidthHz = this.bandwidth.next(r);
    const targetS = this.target.next(r);
    return {
      receiver,
      arrivalS: this.clock,
      snrDb,
      edgeShare,
      deviceCapability: this.capabilities[receiver]!,
      bandwidthHz,
      targetS,
      limitS: Math.max(targetS, Math.min(spec.dynamics.bandFactor * targetS, spec.failureLimitS)),
      queueWaitS: spec.contention ? this.edge.waitAt(this.clock) : 0,
      edgeBacklogS: spec.contention ? this.edge.backlogAt(this.clock) : 0,
      deviceWaitS: spec.contention ? this.devices[receiver]!.waitAt(this.clock) : 0,
      edgeCalendar: spec.contention ? this.edge : null,
      deviceCalendar: spec.contention ? this.devices[receiver]! : null,
    };
  }

  step(decision: Decision): ScenarioStep {
    const s = this.state;
    const outcome = this.serve(s, decision);
    this.index++;
    const terminated = this.index >= this.spec.requestsPerEpisode;
    this.current = terminated ? null : this.draw(false);
    return { outcome, reward: outcome.satisfaction, next: this.current, terminated };
  }

  /** Serves one request, booking the edge and the device (with contention). */
  private serve(s: ScenarioState, d: Decision): ScenarioOutcome {
    const spec = this.spec;
    const rng = createRng(mixSeed(this.seed, STREAM_OUTCOMES, this.episode, this.index));
    const w = attemptWork(spec, s, d);
    const caption = rng.int(this.quality.captions);
    const pass = this.quality.passVector(qualityInput(s, d))[caption]!;
    const link =
      d.scheme === 'edge-image' ? digitalLink(spec.phy, spec.phy.imageBits, s.bandwidthHz, s.snrDb) : null;
    const req = { targetS: s.targetS, limitS: s.limitS, failureLimitS: spec.failureLimitS };
    let passed = false;
    const ends = bookAttempts(
      spec,
      s,
      d,
      spec.contention ? this.edge : null,
      spec.contention ? this.devices[s.receiver]! : null,
      () => (link ? sampleDigitalS(spec.phy, link, spec.phy.imageBits, rng) : w.linkS),
      (_k, latencyS) => {
        passed = rng.uniform() < pass;
        return passed || latencyS > spec.failureLimitS;
      },
    );
    const latencyS = ends[ends.length - 1]!;
    const edgeBusyS = w.setupEdgeS + ends.length * w.edgeS;
    const failed = !passed || latencyS > spec.failureLimitS;
    return {
      latencyS,
      tries: ends.length,
      failed,
      satisfaction: failed ? 0 : satisfaction(latencyS, req),
      edgeBusyS,
    };
  }
}
