/**
 * The workload-split environment: an episode is one user session of
 * `profile.requestsPerEpisode` requests; each step serves one request with the decision
 * taken and returns the reward (the user's satisfaction) and the next request's
 * conditions. The session's last request is terminal (the user leaves), so the agent's
 * target is masked there.
 *
 * Randomness is split in two streams keyed by (seed, episode, request): the conditions,
 * which do not depend on the decisions, and the quality draws of each request. Two
 * policies run with the same seed therefore meet the same requests and the same luck.
 */
import { createRng, mixSeed } from '../rng';
import { ConditionStream, STREAM_OUTCOMES, type RequestConditions } from './conditions';
import type { Decision } from './latency-model';
import { validateProfile, type ServiceProfile } from './profile';
import type { QualityTable } from './quality-model';
import { sampleOutcome, type Outcome } from './service-model';

export interface StepResult {
  outcome: Outcome;
  /** The reward r: satisfaction of this request (0 if it failed). */
  reward: number;
  /** The next request's conditions; after a terminal step, those of a fresh episode are not given. */
  next: RequestConditions | null;
  /** True on the last request of the session. */
  terminated: boolean;
}

export class SplitEnv {
  readonly table: QualityTable;
  private readonly stream: ConditionStream;
  private episode = -1;
  private index = 0;
  private current: RequestConditions | null = null;

  constructor(
    readonly profile: ServiceProfile,
    readonly seed: number,
  ) {
    if (!Number.isInteger(seed)) throw new TypeError(`SplitEnv: seed must be an integer, got ${seed}`);
    this.table = validateProfile(profile);
    this.stream = new ConditionStream(profile, seed);
  }

  /** Starts episode `episode` (default: the next one) and returns its first request. */
  reset(episode = this.episode + 1): RequestConditions {
    if (!Number.isInteger(episode) || episode < 0) {
      throw new TypeError(`SplitEnv.reset: episode must be an integer >= 0, got ${episode}`);
    }
    this.episode = episode;
    this.index = 0;
    this.current = this.stream.reset(episode);
    return this.current;
  }

  /** The request being served now. */
  get state(): RequestConditions {
    if (!this.current) throw new TypeError('SplitEnv: call reset() before step()');
    return this.current;
  }

  get episodeIndex(): number {
    return this.episode;
  }

  get requestIndex(): number {
    return this.index;
  }

  step(decision: Decision): StepResult {
    const c = this.state;
    const rng = createRng(mixSeed(this.seed, STREAM_OUTCOMES, this.episode, this.index));
    const outcome = sampleOutcome(this.profile, this.table, c, decision, rng);
    this.index++;
    const terminated = this.index >= this.profile.requestsPerEpisode;
    this.current = terminated ? null : this.stream.next();
    return { outcome, reward: outcome.satisfaction, next: this.current, terminated };
  }
}
