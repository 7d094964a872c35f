/**
 * Fits the AaaS four-parameter quality model (quality A_y up to A_x steps, linear to B_y at
 * B_x, flat beyond; env/quality.ts) to measured (steps, quality) points: an edge's curve
 * from a calibration trial.
 *
 * For fixed breakpoints (A_x, B_x) the model is linear in (A_y, B_y):
 *   q(s) = A_y·(1 − φ(s)) + B_y·φ(s),  φ(s) = clamp((s − A_x)/(B_x − A_x), 0, 1),
 * so (A_y, B_y) have a closed-form weighted least-squares solution, and the breakpoints are
 * searched on a grid over the measured step range (the error surface is piecewise smooth
 * in them, with kinks at the data, so a grid is the robust choice). B_x is searched up to
 * the largest measured step count: a plateau beyond the data cannot be seen, so the fit
 * reports the earliest B_x the data allow. Pure and deterministic.
 */
import { quality, type QualityCurve } from '../env/quality';

export interface QualityPoint {
  steps: number;
  /** Mean measured quality at `steps`, in [0, 1]. */
  quality: number;
  /** Weight (requests behind the mean); default 1. */
  n?: number;
}

export interface QualityFit {
  curve: QualityCurve;
  /** Weighted root-mean-square error of the fitted curve on the points. */
  rmse: number;
  /** Points (distinct step counts) the fit used. */
  points: number;
}

export interface FitOptions {
  /** Grid resolution of A_x and B_x, in steps (default: range / 200, at most 1). */
  resolution?: number;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** TypeError names what is wrong with the points. */
export function fitQualityCurve(points: readonly QualityPoint[], options: FitOptions = {}): QualityFit {
  if (points.length < 2)
    throw new TypeError(`fitQualityCurve: needs points at >= 2 step counts, got ${points.length}`);
  points.forEach((p, i) => {
    if (!(Number.isFinite(p.steps) && p.steps >= 0))
      throw new TypeError(`fitQualityCurve: points[${i}].steps must be finite and >= 0, got ${p.steps}`);
    if (!(Number.isFinite(p.quality) && p.quality >= 0 && p.quality <= 1))
      throw new TypeError(`fitQualityCurve: points[${i}].quality must be in [0, 1], got ${p.quality}`);
    if (p.n !== undefined && !(p.n > 0)) throw new TypeError(`fitQualityCurve: points[${i}].n must be > 0`);
  });
  const lo = Math.min(...points.map((p) => p.steps));
  const hi = Math.max(...points.map((p) => p.steps));
  if (hi === lo) throw new TypeError('fitQualityCurve: needs points at >= 2 distinct step counts');
  const res = options.resolution ?? Math.min(1, (hi - lo) / 200);
  if (!(res > 0)) throw new TypeError(`fitQualityCurve: resolution must be > 0, got ${res}`);

  // Breakpoint candidates: a uniform grid from 0 (a curve that rises from the first step) to
  // the largest step, plus the measured step counts themselves (where the error has kinks).
  const candidates = [
    ...new Set([
      ...Array.from({ length: Math.floor(hi / res) + 1 }, (_, i) => round(i * res)),
      ...points.map((p) => p.steps),
    ]),
  ].sort((a, b) => a - b);
  let best: { curve: QualityCurve; sse: number } | null = null;
  for (const ax of candidates) {
    for (const bx of candidates) {
      if (bx <= ax || bx < lo) continue;
      const c = solveLevels(points, ax, bx);
      if (!best || c.sse < best.sse - 1e-12) best = c;
    }
  }
  const w = points.reduce((s, p) => s + (p.n ?? 1), 0);
  return { curve: best!.curve, rmse: Math.sqrt(best!.sse / w), points: points.length };
}

/** The least-squares A_y, B_y for fixed breakpoints (clipped to [0, 1], B_y ≥ A_y). */
function solveLevels(
  points: readonly QualityPoint[],
  ax: number,
  bx: number,
): { curve: QualityCurve; sse: number } {
  // Normal equations of min Σ w (A_y·(1 − φ) + B_y·φ − q)².
  let a11 = 0;
  let a12 = 0;
  let a22 = 0;
  let b1 = 0;
  let b2 = 0;
  for (const p of points) {
    const w = p.n ?? 1;
    const phi = Math.min(1, Math.max(0, (p.steps - ax) / (bx - ax)));
    a11 += w * (1 - phi) ** 2;
    a12 += w * (1 - phi) * phi;
    a22 += w * phi * phi;
    b1 += w * (1 - phi) * p.quality;
    b2 += w * phi * p.quality;
  }
  const det = a11 * a22 - a12 * a12;
  let ay: number;
  let by: number;
  if (Math.abs(det) < 1e-12) {
    // Every point on one side of the ramp: a flat curve at the weighted mean.
    const mean = (b1 + b2) / (a11 + 2 * a12 + a22);
    ay = by = mean;
  } else {
    ay = (b1 * a22 - b2 * a12) / det;
    by = (a11 * b2 - a12 * b1) / det;
  }
  ay = clamp01(ay);
  by = clamp01(by);
  if (by < ay) ay = by = clamp01((b1 + b2) / (a11 + 2 * a12 + a22));
  const curve = { ax: round(ax), ay, bx: round(bx), by };
  let sse = 0;
  for (const p of points) sse += (p.n ?? 1) * (quality(curve, p.steps) - p.quality) ** 2;
  return { curve, sse };
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
