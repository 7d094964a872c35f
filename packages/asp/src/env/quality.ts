/**
 * The AaaS four-parameter quality model of an ASP (AaaS article, Fig. 3): quality is A_y up
 * to A_x denoising steps, rises linearly to B_y at B_x steps, and stays at B_y beyond.
 * The reward of serving a task is that quality minus the baseline score of a noise sample,
 * r^R = u_i(T) − r̂^R (D2SAC section V-A c); the baseline is A_y, which makes r^R exactly
 * the code's REWARD (env/config.py): 0 below A_x, (B_y − A_y)(T − A_x)/(B_x − A_x) between,
 * B_y − A_y above.
 */

export interface QualityCurve {
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

/** Perceived quality u(T) after `steps` denoising steps. */
export function quality(c: QualityCurve, steps: number): number {
  if (steps <= c.ax) return c.ay;
  if (steps >= c.bx) return c.by;
  return c.ay + ((c.by - c.ay) * (steps - c.ax)) / (c.bx - c.ax);
}

/** r^R = u(T) − A_y: the quality reward of a task that is admitted. */
export function qualityReward(c: QualityCurve, steps: number): number {
  return quality(c, steps) - c.ay;
}
