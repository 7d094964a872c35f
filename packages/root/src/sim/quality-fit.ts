/**
 * Least-squares fit of the AaaS four-parameter model to measured (steps, quality) points,
 * used by the `measured` profile to turn the split benchmark's quality table into a
 * `QualityTable`. For fixed breakpoints (A_x, B_x) the model is linear in (A_y, B_y):
 *
 *   q(s) = A_y·(1 − w(s)) + B_y·w(s),   w(s) = clamp((s − A_x)/(B_x − A_x), 0, 1)
 *
 * so the fit searches the breakpoints on a grid (every `resolution` steps over the
 * measured range) and solves the 2×2 normal equations for the levels at each, keeping the
 * pair with the smallest squared error. The residual standard deviation is the quality
 * noise the simulator's quality gate draws from.
 */
import { CalibrationError } from '../errors';
import type { PiecewiseQuality } from './quality-model';

export interface QualityPoint {
  steps: number;
  quality: number;
}

export interface PiecewiseFit extends PiecewiseQuality {
  /** Root-mean-square residual of the fit. */
  rmse: number;
  /** Residual standard deviation with the 4 fitted parameters taken out (n − 4 dof; rmse if n ≤ 4). */
  residualStd: number;
  n: number;
}

export const DEFAULT_FIT_RESOLUTION = 0.25;

/** Fits (A_x, A_y, B_x, B_y) to the points; needs at least two distinct step counts. */
export function fitPiecewiseQuality(
  points: readonly QualityPoint[],
  resolution = DEFAULT_FIT_RESOLUTION,
): PiecewiseFit {
  if (!(resolution > 0))
    throw new TypeError(`fitPiecewiseQuality: resolution must be > 0, got ${resolution}`);
  for (const [i, p] of points.entries()) {
    if (!Number.isFinite(p.steps) || !Number.isFinite(p.quality)) {
      throw new TypeError(`fitPiecewiseQuality: points[${i}] must have finite steps and quality`);
    }
  }
  const xs = points.map((p) => p.steps);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  if (points.length < 2 || lo === hi) {
    throw new CalibrationError(
      `fitPiecewiseQuality: need points at two or more step counts, got ${points.length} point(s) over [${lo}, ${hi}]`,
    );
  }
  const n = points.length;
  const cells = Math.round((hi - lo) / resolution);
  let best: PiecewiseFit | null = null;
  let bestSse = Infinity;
  for (let i = 0; i <= cells; i++) {
    const ax = lo + ((hi - lo) * i) / cells;
    for (let j = i + 1; j <= cells; j++) {
      const bx = lo + ((hi - lo) * j) / cells;
      // Normal equations of min Σ (q − ay(1 − w) − by·w)² over (ay, by).
      let s00 = 0;
      let s01 = 0;
      let s11 = 0;
      let t0 = 0;
      let t1 = 0;
      for (const p of points) {
        const w = Math.min(1, Math.max(0, (p.steps - ax) / (bx - ax)));
        s00 += (1 - w) * (1 - w);
        s01 += (1 - w) * w;
        s11 += w * w;
        t0 += (1 - w) * p.quality;
        t1 += w * p.quality;
      }
      const det = s00 * s11 - s01 * s01;
      if (Math.abs(det) < 1e-12) continue;
      const ay = (t0 * s11 - t1 * s01) / det;
      const by = (s00 * t1 - s01 * t0) / det;
      let sse = 0;
      for (const p of points) {
        const w = Math.min(1, Math.max(0, (p.steps - ax) / (bx - ax)));
        sse += (p.quality - ay * (1 - w) - by * w) ** 2;
      }
      // Strictly smaller keeps the earliest (narrowest-A_x) optimum among ties.
      if (sse < bestSse - 1e-12) {
        bestSse = sse;
        best = { ax, ay, bx, by, rmse: 0, residualStd: 0, n };
      }
    }
  }
  if (!best) throw new CalibrationError('fitPiecewiseQuality: no breakpoint pair gave a solvable fit');
  best.rmse = Math.sqrt(bestSse / n);
  best.residualStd = n > 4 ? Math.sqrt(bestSse / (n - 4)) : best.rmse;
  return best;
}
