/**
 * The ASPs of one world: capacity and quality curve each, drawn once from a world seed and
 * then fixed across episodes, as in the code (ServiceProvider draws them at construction,
 * reset() keeps them). A learner must find out which ASPs are good: the state carries
 * capacities, not qualities.
 */
import { createRng, type Rng } from '@semaigc/root';
import type { AspProfile } from './profile';
import type { QualityCurve } from './quality';

export interface Asp {
  id: number;
  /** Total denoising steps it can run at once (𝒯_i). */
  capacity: number;
  curve: QualityCurve;
}

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)]!;
}

export function drawWorld(profile: AspProfile, seed: number): Asp[] {
  // A lab-calibrated profile names its ASPs: every seed meets the same (measured) world.
  if (profile.world)
    return profile.world.map((a, id) => ({ id, capacity: a.capacity, curve: { ...a.curve } }));
  const rng = createRng(seed);
  return Array.from({ length: profile.nAsps }, (_, id) => ({
    id,
    capacity: pick(rng, profile.capacityChoices),
    curve: {
      ax: pick(rng, profile.axChoices),
      ay: pick(rng, profile.ayChoices),
      bx: pick(rng, profile.bxChoices),
      by: pick(rng, profile.byChoices),
    },
  }));
}
