/**
 * Initial latent noise from a request seed. Uses the channel package's seeded Gaussian
 * (stream 'latent'), so an edge and a receiver running Local AIGC draw the same noise for
 * the same seed, in Node and in the browser. (The bundle's fixtures carry torch's noise
 * instead, and parity tests feed that in directly.)
 */
import { fillGaussian, rngFor } from '@semaigc/channel';

export function initialNoise(seed: number, size: number): Float32Array {
  const out = new Float32Array(size);
  fillGaussian(rngFor(seed, 'latent'), out);
  return out;
}
