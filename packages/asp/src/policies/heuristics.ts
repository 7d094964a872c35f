/**
 * The papers' heuristic policies (D2SAC section VI-A "Benchmarks"; code benchmark/*.py):
 *  - random: a uniformly random ASP, blind to capacity (the lower bound);
 *  - round robin: ASPs in cyclic order, restarting at ASP 0 each episode;
 *  - crash avoid: the ASP with the most available steps (first among ties, as np.argmax);
 *  - prophet: knows every ASP's utility for the task in advance and picks the best one that
 *    has room. When no ASP has room the code falls back to ASP 0 (best_reward_service_provider
 *    starts at sid 0); here it falls back to crash avoid instead, matching the paper's words
 *    "while avoiding crashes". A greedy rule, so an upper bound only as the papers use the
 *    term: it cannot reserve capacity for later tasks.
 */
import { createRng, mixSeed, type Rng } from '@semaigc/root';
import type { AspEnvView, AspPolicy } from './policy';

export class RandomPolicy implements AspPolicy {
  readonly name = 'random';
  private rng: Rng = createRng(0);
  constructor(private readonly seed = 0) {}
  reset(episodeSeed: number): void {
    this.rng = createRng(mixSeed(this.seed, episodeSeed, 0x5a));
  }
  decide(env: AspEnvView): number {
    return this.rng.int(env.nAsps);
  }
}

export class RoundRobinPolicy implements AspPolicy {
  readonly name = 'round-robin';
  private next = 0;
  reset(): void {
    this.next = 0;
  }
  decide(env: AspEnvView): number {
    const a = this.next % env.nAsps;
    this.next++;
    return a;
  }
}

/** The ASP with the most available steps. */
export function mostAvailable(env: AspEnvView): number {
  let best = 0;
  for (let i = 1; i < env.nAsps; i++) if (env.available(i) > env.available(best)) best = i;
  return best;
}

export class CrashAvoidPolicy implements AspPolicy {
  readonly name = 'crash-avoid';
  reset(): void {}
  decide(env: AspEnvView): number {
    return mostAvailable(env);
  }
}

export class ProphetPolicy implements AspPolicy {
  readonly name = 'prophet';
  reset(): void {}
  decide(env: AspEnvView): number {
    const steps = env.task.steps;
    let best = -1;
    for (let i = 0; i < env.nAsps; i++) {
      if (env.available(i) < steps) continue;
      if (best < 0 || env.rewardIfAdmitted(i) > env.rewardIfAdmitted(best)) best = i;
    }
    return best >= 0 ? best : mostAvailable(env);
  }
}

export const HEURISTIC_NAMES = ['random', 'round-robin', 'crash-avoid', 'prophet'] as const;
export type HeuristicName = (typeof HEURISTIC_NAMES)[number];

export function heuristicPolicy(name: HeuristicName, seed = 0): AspPolicy {
  switch (name) {
    case 'random':
      return new RandomPolicy(seed);
    case 'round-robin':
      return new RoundRobinPolicy();
    case 'crash-avoid':
      return new CrashAvoidPolicy();
    case 'prophet':
      return new ProphetPolicy();
  }
}
