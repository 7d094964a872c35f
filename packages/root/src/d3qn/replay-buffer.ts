/**
 * Experience replay: a ring buffer of transitions (x, a, r, x', terminated) in flat typed
 * arrays, sampled uniformly with replacement by the seeded RNG.
 */
import type { Rng } from '../rng';

export interface Batch {
  size: number;
  obs: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  nextObs: Float32Array;
  /** 1 where the transition ended the episode: no bootstrap from x'. */
  terminated: Float32Array;
}

export class ReplayBuffer {
  private readonly obs: Float32Array;
  private readonly nextObs: Float32Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float32Array;
  private readonly terminated: Float32Array;
  private pos = 0;
  private full = false;

  constructor(
    readonly capacity: number,
    readonly nFeatures: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new TypeError(`ReplayBuffer: capacity must be an integer >= 1`);
    if (!Number.isInteger(nFeatures) || nFeatures < 1)
      throw new TypeError(`ReplayBuffer: nFeatures must be an integer >= 1`);
    this.obs = new Float32Array(capacity * nFeatures);
    this.nextObs = new Float32Array(capacity * nFeatures);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Float32Array(capacity);
  }

  get size(): number {
    return this.full ? this.capacity : this.pos;
  }

  add(obs: Float32Array, action: number, reward: number, nextObs: Float32Array, terminated: boolean): void {
    if (obs.length !== this.nFeatures || nextObs.length !== this.nFeatures) {
      throw new TypeError(`ReplayBuffer.add: observations must have ${this.nFeatures} features`);
    }
    const at = this.pos * this.nFeatures;
    this.obs.set(obs, at);
    this.nextObs.set(nextObs, at);
    this.actions[this.pos] = action;
    this.rewards[this.pos] = reward;
    this.terminated[this.pos] = terminated ? 1 : 0;
    this.pos = (this.pos + 1) % this.capacity;
    if (this.pos === 0) this.full = true;
  }

  sample(size: number, rng: Rng): Batch {
    const n = this.size;
    if (n === 0) throw new TypeError('ReplayBuffer.sample: the buffer is empty');
    const f = this.nFeatures;
    const batch: Batch = {
      size,
      obs: new Float32Array(size * f),
      actions: new Int32Array(size),
      rewards: new Float32Array(size),
      nextObs: new Float32Array(size * f),
      terminated: new Float32Array(size),
    };
    for (let k = 0; k < size; k++) {
      const i = rng.int(n);
      batch.obs.set(this.obs.subarray(i * f, (i + 1) * f), k * f);
      batch.nextObs.set(this.nextObs.subarray(i * f, (i + 1) * f), k * f);
      batch.actions[k] = this.actions[i]!;
      batch.rewards[k] = this.rewards[i]!;
      batch.terminated[k] = this.terminated[i]!;
    }
    return batch;
  }
}
