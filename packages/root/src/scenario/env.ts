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
 * build differ. The conditions of a whole episode are drawn at `reset` (they are exogenous),
 * so that `fork` can copy an episode in the middle: a lookahead policy plays the same
 * future (`fork()`) or a future sampled from the model (`fork({ futureSeed })`) on copies of
 * the servers' bookings.
 */
import { satisfaction } from '@semaigc/metrics';
import { createRng, mixSeed, type Rng } from '../rng';
import type { Decision } from '../sim/latency-model';
import { createProcess, type ScalarProcess } from '../sim/process';
import { continueProcess } from './futures';
import { digitalLink, sampleDigitalS } from './phy';
import type { QualitySource } from './quality-source';
import { checkScenario, type ScenarioSpec } from './spec';
import { RATE_WINDOW_S, type ScenarioState } from './state';
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

/** A request's exogenous conditions (they do not depend on any decision). */
export interface Arrival {
  arrivalS: number;
  receiver: number;
  snrDb: number;
  edgeShare: number;
  bandwidthHz: number;
  targetS: number;
}

export interface ForkOptions {
  /**
   * Without it the fork meets the same future (arrivals, conditions and luck) as the
   * original: a clairvoyant copy. With it, the requests after the current one and every
   * outcome (the current request's included) are drawn afresh from the model with this
   * seed, continuing each process from its current value: what a causal planner can know.
   */
  futureSeed?: number;
}

export class ScenarioEnv {
  private readonly snr: ScalarProcess[];
  private readonly share: ScalarProcess;
  private readonly bandwidth: ScalarProcess;
  private readonly target: ScalarProcess;
  private readonly capability: ScalarProcess;
  private episode = -1;
  private index = 0;
  private edge = new Calendar();
  private devices: Calendar[];
  private capabilities: number[];
  /** Each receiver's SNR at the episode start (before its first request). */
  private initialSnrs: number[];
  private arrivals: Arrival[] = [];
  private outcomeSeed: number;
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
    this.initialSnrs = new Array<number>(spec.receivers).fill(0);
    this.outcomeSeed = seed;
  }

  reset(episode = this.episode + 1): ScenarioState {
    if (!Number.isInteger(episode) || episode < 0) {
      throw new TypeError(`ScenarioEnv.reset: episode must be an integer >= 0, got ${episode}`);
    }
    this.episode = episode;
    this.index = 0;
    this.outcomeSeed = this.seed;
    this.edge.clear();
    for (const c of this.devices) c.clear();
    const r = createRng(mixSeed(this.seed, STREAM_CONDITIONS, episode));
    const snrs: number[] = [];
    for (let k = 0; k < this.spec.receivers; k++) {
      this.capabilities[k] = this.capability.reset(r);
      snrs[k] = this.snr[k]!.reset(r);
    }
    this.initialSnrs = [...snrs];
    this.share.reset(r);
    this.arrivals = [];
    let clock = 0;
    for (let i = 0; i < this.spec.requestsPerEpisode; i++) {
      const a = this.drawArrival(
        r,
        i === 0,
        clock,
        snrs,
        (k) => this.snr[k]!.next(r),
        () => ({
          edgeShare: this.share.next(r),
          bandwidthHz: this.bandwidth.next(r),
          targetS: this.target.next(r),
        }),
      );
      clock = a.arrivalS;
      this.arrivals.push(a);
    }
    this.current = this.stateAt(0);
    return this.current;
  }

  get state(): ScenarioState {
    if (!this.current) throw new TypeError('ScenarioEnv: call reset() before step()');
    return this.current;
  }

  get episodeIndex(): number {
    return this.episode;
  }

  /** Index of the current request in its episode. */
  get requestIndex(): number {
    return this.index;
  }

  /**
   * The next request's exogenous conditions, in the order the streams have always been
   * drawn (gap, receiver, its SNR, share, bandwidth, requirement), so that seeds keep
   * their episodes. The first request meets its receiver's initial SNR.
   */
  private drawArrival(
    r: Rng,
    first: boolean,
    clock: number,
    snrs: number[],
    nextSnr: (receiver: number) => number,
    rest: () => Pick<Arrival, 'edgeShare' | 'bandwidthHz' | 'targetS'>,
  ): Arrival {
    const spec = this.spec;
    const gap = spec.contention ? -Math.log(1 - r.uniform()) / spec.arrivalRatePerS : 0;
    const arrivalS = first ? clock : clock + gap;
    const receiver = spec.receivers > 1 ? r.int(spec.receivers) : 0;
    const snrDb = first ? snrs[receiver]! : (snrs[receiver] = nextSnr(receiver));
    return { arrivalS, receiver, snrDb, ...rest() };
  }

  /** Request i's state: its conditions and the queues it meets (endogenous). */
  private stateAt(i: number): ScenarioState {
    const spec = this.spec;
    const a = this.arrivals[i]!;
    const clock = a.arrivalS;
    this.edge.prune(clock);
    for (const c of this.devices) c.prune(clock);
    const device = this.devices[a.receiver]!;
    return {
      ...a,
      deviceCapability: this.capabilities[a.receiver]!,
      limitS: Math.max(a.targetS, Math.min(spec.dynamics.bandFactor * a.targetS, spec.failureLimitS)),
      queueWaitS: spec.contention ? this.edge.waitAt(clock) : 0,
      edgeBacklogS: spec.contention ? this.edge.backlogAt(clock) : 0,
      deviceWaitS: spec.contention ? device.waitAt(clock) : 0,
      recentArrivalRatePerS: spec.contention ? this.recentArrivals(i) / RATE_WINDOW_S : 0,
      devicesBacklogS: spec.contention ? this.devices.reduce((w, c) => w + c.backlogAt(clock), 0) : 0,
      edgeCalendar: spec.contention ? this.edge : null,
      deviceCalendar: spec.contention ? device : null,
    };
  }

  /** Requests 0..i that arrived within RATE_WINDOW_S of request i. */
  private recentArrivals(i: number): number {
    const from = this.arrivals[i]!.arrivalS - RATE_WINDOW_S;
    let n = 0;
    for (let k = i; k >= 0 && this.arrivals[k]!.arrivalS > from; k--) n++;
    return n;
  }

  step(decision: Decision): ScenarioStep {
    const s = this.state;
    const outcome = this.serve(s, decision);
    this.index++;
    const terminated = this.index >= this.spec.requestsPerEpisode;
    this.current = terminated ? null : this.stateAt(this.index);
    return { outcome, reward: outcome.satisfaction, next: this.current, terminated };
  }

  /** A copy of this episode at the current request, with copies of the bookings (see ForkOptions). */
  fork(o: ForkOptions = {}): ScenarioEnv {
    const f = new ScenarioEnv(this.spec, this.quality, this.seed);
    f.episode = this.episode;
    f.index = this.index;
    f.edge = this.edge.clone();
    f.devices = this.devices.map((c) => c.clone());
    f.capabilities = [...this.capabilities];
    f.initialSnrs = [...this.initialSnrs];
    f.arrivals = this.arrivals;
    if (o.futureSeed !== undefined && this.current) {
      f.outcomeSeed = mixSeed(o.futureSeed, this.seed);
      f.arrivals = this.sampleFutures(createRng(mixSeed(o.futureSeed, STREAM_CONDITIONS)));
    } else f.outcomeSeed = this.outcomeSeed;
    f.current = this.current ? f.stateAt(f.index) : null;
    return f;
  }

  /** The arrivals up to the current one, then a fresh draw of the rest from the model. */
  private sampleFutures(r: Rng): Arrival[] {
    const d = this.spec.dynamics;
    const past = this.arrivals.slice(0, this.index + 1);
    const snrs = [...this.initialSnrs];
    for (const a of past) snrs[a.receiver] = a.snrDb;
    let last = past[past.length - 1]!;
    for (let i = this.index + 1; i < this.spec.requestsPerEpisode; i++) {
      const prev = last;
      last = this.drawArrival(
        r,
        false,
        prev.arrivalS,
        snrs,
        (k) => continueProcess(d.snrDb, snrs[k]!, r),
        () => ({
          edgeShare: continueProcess(d.edgeShare, prev.edgeShare, r),
          bandwidthHz: continueProcess(d.bandwidthHz, prev.bandwidthHz, r),
          targetS: continueProcess(d.targetS, prev.targetS, r),
        }),
      );
      past.push(last);
    }
    return past;
  }

  /** Serves one request, booking the edge and the device (with contention). */
  private serve(s: ScenarioState, d: Decision): ScenarioOutcome {
    const spec = this.spec;
    const rng = createRng(mixSeed(this.outcomeSeed, STREAM_OUTCOMES, this.episode, this.index));
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
