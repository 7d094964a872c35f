/**
 * Channel-free reference images for the quality figures: the same prompt, seed, T̂ and
 * guidance run entirely with the edge UNet and no channel. Computing one costs a whole
 * generation, so recent ones are kept (trials reuse prompt/seed pairs across policies).
 */
import type { DecodedImage } from '@semaigc/diffusion';

export const DEFAULT_REFERENCE_CACHE_SIZE = 64;

export class ReferenceCache {
  private readonly map = new Map<string, Promise<DecodedImage>>();

  constructor(private readonly capacity = DEFAULT_REFERENCE_CACHE_SIZE) {}

  static key(prompt: string, seed: number, totalSteps: number, guidanceScale: number): string {
    return JSON.stringify([prompt, seed, totalSteps, guidanceScale]);
  }

  get(key: string, make: () => Promise<DecodedImage>): Promise<DecodedImage> {
    let p = this.map.get(key);
    if (p) {
      // Re-insert: Map iteration order makes the first key the least recently used.
      this.map.delete(key);
      this.map.set(key, p);
      return p;
    }
    p = make();
    p.catch(() => this.map.delete(key)); // a failed reference is not cached
    this.map.set(key, p);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
    return p;
  }

  get size(): number {
    return this.map.size;
  }
}
