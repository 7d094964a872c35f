/** A trained learner as a policy: greedy (eq. 17), with its own seeded noise for D2SAC. */
import { createRng, mixSeed, type Rng } from '@semaigc/root';
import type { Learner } from '../agents/learner';
import type { AspEnvView, AspPolicy } from './policy';

export class LearnerPolicy implements AspPolicy {
  readonly name: string;
  private rng: Rng = createRng(0);
  constructor(
    readonly learner: Learner,
    private readonly seed = 0,
  ) {
    this.name = learner.name;
  }
  reset(episodeSeed: number): void {
    this.rng = createRng(mixSeed(this.seed, episodeSeed, 0x1e));
  }
  decide(_env: AspEnvView, obs: Float32Array): number {
    return this.learner.act(obs, false, this.rng);
  }
}
