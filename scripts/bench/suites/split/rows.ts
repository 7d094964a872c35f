/**
 * From scored samples to the table: one row per (variant, a, SNR) with medians/means, cluster-
 * bootstrap 95% intervals, both no-information controls, information retained, FCD, the
 * receiver's own step time and remap's t*.
 */
import type { Row } from '../../harness';
import { fitGaussian, frechetDistance } from './frechet';
import type { CellPass, InputKind, Sample } from './measure';
import { bootstrap, meanOf, median, pick, type Interval } from './stats';

const round = (x: number, digits = 4): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

function of(samples: Sample[], kind: InputKind, snrIndex: number): Sample[] {
  return samples.filter((s) => s.kind === kind && s.snrIndex === snrIndex);
}

function interval(prefix: string, iv: Interval, digits = 3): Row {
  return {
    [prefix]: round(iv.value, digits),
    [`${prefix}Lo`]: round(iv.lo, digits),
    [`${prefix}Hi`]: round(iv.hi, digits),
  };
}

/** Samples of every kind for the same requests, in the same order (paired statistics). */
function paired(samples: Sample[], snrIndex: number, kinds: readonly InputKind[]): Map<InputKind, Sample[]> {
  const by = new Map<InputKind, Sample[]>();
  for (const k of kinds)
    by.set(
      k,
      of(samples, k, snrIndex).sort((x, y) => x.pair - y.pair),
    );
  return by;
}

export function cellRows(
  cell: CellPass,
  snrs: readonly number[],
  kinds: readonly InputKind[],
  seed: number,
): Row[] {
  const refFcd = fitGaussian(cell.refs.map((r) => r.features));
  return snrs.map((snrDb, si) => {
    const by = paired(cell.samples, si, kinds);
    const rec = by.get('received')!;
    const clusters = rec.map((s) => s.caption);
    const series = (k: InputKind, f: (s: Sample) => number): number[] => (by.get(k) ?? []).map(f);
    const bs = (stat: (idx: readonly number[]) => number, k: number): Interval =>
      bootstrap(clusters, stat, seed * 100 + si * 10 + k);
    const psnrR = series('received', (s) => s.psnr);
    const row: Row = {
      variant: cell.variant,
      edgeSteps: cell.a,
      snrDb,
      n: rec.length,
      ...interval(
        'psnrMedian',
        bs((i) => median(pick(psnrR, i)), 0),
      ),
      ...interval(
        'ssimMean',
        bs(
          (i) =>
            meanOf(
              pick(
                series('received', (s) => s.ssim),
                i,
              ),
            ),
          1,
        ),
        4,
      ),
      ...interval(
        'consistency',
        bs(
          (i) =>
            meanOf(
              pick(
                series('received', (s) => s.consistency),
                i,
              ),
            ),
          2,
        ),
        4,
      ),
      exactRate: round(meanOf(rec.map((s) => (s.exact ? 1 : 0))), 3),
      fcd: round(
        frechetDistance(
          rec.map((s) => s.features),
          refFcd,
        ),
        3,
      ),
    };
    for (const [k, name] of [
      ['noise', 'Noise'],
      ['swap', 'Swap'],
    ] as const) {
      const ctrl = by.get(k);
      if (!ctrl) continue;
      const psnrC = ctrl.map((s) => s.psnr);
      Object.assign(row, {
        [`psnrControl${name}`]: round(median(psnrC), 3),
        [`consistencyControl${name}`]: round(meanOf(ctrl.map((s) => s.consistency)), 4),
        [`fcdControl${name}`]: round(
          frechetDistance(
            ctrl.map((s) => s.features),
            refFcd,
          ),
          3,
        ),
        // fidelity(received) − fidelity(control), captions resampled jointly for both
        ...interval(
          `infoRetained${name}`,
          bs((i) => median(pick(psnrR, i)) - median(pick(psnrC, i)), k === 'noise' ? 3 : 4),
        ),
      });
    }
    const steps = cell.stepMs[si] ?? [];
    const tStars = rec.map((s) => s.tStar).filter((t): t is number => t !== null);
    Object.assign(row, {
      deviceStepMs: steps.length ? round(median(steps), 3) : null,
      deviceStepN: steps.length,
      tStarMedian: tStars.length ? median(tStars) : null,
      tStarMin: tStars.length ? Math.min(...tStars) : null,
      tStarMax: tStars.length ? Math.max(...tStars) : null,
    });
    return row;
  });
}
