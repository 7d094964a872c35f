/**
 * Image quality as a function of denoising steps: the AaaS paper's general model
 * (aaas-asp-selection.txt, section III-B), a piecewise-linear curve with four parameters:
 *
 *   q(s) = A_y                                      s ≤ A_x   (too few steps: noise)
 *        = A_y + (B_y − A_y)·(s − A_x)/(B_x − A_x)   A_x < s < B_x
 *        = B_y                                      s ≥ B_x   (the model's best)
 *
 * Here `s` is the number of receiver (noise-aware fine-tuning) steps T̂ − a, and the four
 * parameters depend on the link SNR: a noisier latent needs more receiver steps before the
 * image is usable. A `QualityTable` holds one parameter set per SNR and interpolates each
 * parameter linearly in dB between rows (clamped beyond the first and last rows).
 */

/** The four parameters (A_x, A_y, B_x, B_y) of the AaaS model; A_x ≤ B_x. */
export interface PiecewiseQuality {
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

/** One row of a quality table: the curve measured (or assumed) at one SNR. */
export interface QualityRow extends PiecewiseQuality {
  snrDb: number;
}

export function checkPiecewise(p: PiecewiseQuality, what = 'quality'): void {
  for (const k of ['ax', 'ay', 'bx', 'by'] as const) {
    if (!Number.isFinite(p[k])) throw new TypeError(`${what}.${k} must be a finite number, got ${p[k]}`);
  }
  if (p.ax > p.bx) throw new TypeError(`${what}.ax (${p.ax}) must be <= ${what}.bx (${p.bx})`);
}

/** q(s) of the AaaS model. */
export function piecewiseQuality(steps: number, p: PiecewiseQuality): number {
  if (steps <= p.ax) return p.ay;
  if (steps >= p.bx) return p.by;
  return p.ay + ((p.by - p.ay) * (steps - p.ax)) / (p.bx - p.ax);
}

/** Quality parameters per SNR, interpolated linearly in dB. */
export class QualityTable {
  readonly rows: readonly QualityRow[];

  constructor(rows: readonly QualityRow[]) {
    if (rows.length === 0) throw new TypeError('QualityTable: at least one row is required');
    rows.forEach((r, i) => {
      if (!Number.isFinite(r.snrDb)) throw new TypeError(`QualityTable: rows[${i}].snrDb must be finite`);
      checkPiecewise(r, `rows[${i}]`);
    });
    this.rows = [...rows].sort((x, y) => x.snrDb - y.snrDb);
    for (let i = 1; i < this.rows.length; i++) {
      if (this.rows[i]!.snrDb === this.rows[i - 1]!.snrDb) {
        throw new TypeError(`QualityTable: two rows at ${this.rows[i]!.snrDb} dB`);
      }
    }
  }

  /** The parameters at `snrDb`. */
  paramsAt(snrDb: number): PiecewiseQuality {
    const rows = this.rows;
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    if (snrDb <= first.snrDb) return first;
    if (snrDb >= last.snrDb) return last;
    let hi = 1;
    while (rows[hi]!.snrDb < snrDb) hi++;
    const r0 = rows[hi - 1]!;
    const r1 = rows[hi]!;
    const w = (snrDb - r0.snrDb) / (r1.snrDb - r0.snrDb);
    const lerp = (a: number, b: number): number => a + w * (b - a);
    return { ax: lerp(r0.ax, r1.ax), ay: lerp(r0.ay, r1.ay), bx: lerp(r0.bx, r1.bx), by: lerp(r0.by, r1.by) };
  }

  /** Expected quality with `receiverSteps` noise-aware steps at `snrDb`. */
  quality(receiverSteps: number, snrDb: number): number {
    return piecewiseQuality(receiverSteps, this.paramsAt(snrDb));
  }
}
