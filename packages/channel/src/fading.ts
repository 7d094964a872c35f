/**
 * Block fading: one complex gain h per transmitted tensor, unit mean power E|h|² = 1.
 *   Rayleigh       h ~ CN(0, 1): Re, Im ~ N(0, 1/2), so |h|² ~ Exp(1) and P(|h|² < x) = 1 − e^{−x}
 *   Rician (K)     h = √(K/(K+1))·e^{jθ} + √(1/(K+1))·CN(0, 1), θ ~ U[0, 2π)
 * (K = 0 is Rayleigh; K → ∞ approaches a pure line of sight.) The line-of-sight phase is
 * random because a receiver never knows the carrier phase; equalisation removes it.
 */
import type { ChannelConfig } from '@semaigc/protocol';
import { gaussian } from './gaussian';
import type { Xoshiro128 } from './rng';

export interface Complex {
  re: number;
  im: number;
}

export const UNIT: Readonly<Complex> = Object.freeze({ re: 1, im: 0 });

export function drawFading(fading: ChannelConfig['fading'], rng: Xoshiro128): Complex {
  switch (fading.kind) {
    case 'none':
      return { ...UNIT };
    case 'rayleigh':
      return { re: gaussian(rng) * Math.SQRT1_2, im: gaussian(rng) * Math.SQRT1_2 };
    case 'rician': {
      const k = fading.kFactor;
      const los = Math.sqrt(k / (k + 1));
      const scatter = Math.sqrt(1 / (k + 1)) * Math.SQRT1_2;
      const theta = 2 * Math.PI * rng.nextFloat();
      return {
        re: los * Math.cos(theta) + scatter * gaussian(rng),
        im: los * Math.sin(theta) + scatter * gaussian(rng),
      };
    }
  }
}
