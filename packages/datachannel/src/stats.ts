/**
 * Loss-pattern statistics shared by the real link's records and the emulated channels, so
 * both are summarised by the same code: loss rate, the lengths of loss bursts (runs of
 * consecutive lost packets) and of gaps between them.
 */

export interface LossPattern {
  packets: number;
  lost: number;
  lossRate: number;
  /** Lengths of the runs of consecutive lost packets, in order. */
  bursts: number[];
  meanBurst: number;
  maxBurst: number;
  /** P(lost | previous lost): 0 for no loss; equals lossRate for independent (Bernoulli) loss. */
  pLossAfterLoss: number;
}

/** Summarises a loss mask (1 = lost) in sending order. */
export function lossPattern(lost: ArrayLike<number>): LossPattern {
  const bursts: number[] = [];
  let run = 0;
  let lostCount = 0;
  let pairs = 0;
  let lostAfterLost = 0;
  for (let i = 0; i < lost.length; i++) {
    const l = lost[i] ? 1 : 0;
    if (i > 0 && lost[i - 1]) {
      pairs++;
      lostAfterLost += l;
    }
    if (l) {
      lostCount++;
      run++;
    } else if (run > 0) {
      bursts.push(run);
      run = 0;
    }
  }
  if (run > 0) bursts.push(run);
  const n = lost.length;
  return {
    packets: n,
    lost: lostCount,
    lossRate: n > 0 ? lostCount / n : 0,
    bursts,
    meanBurst: bursts.length > 0 ? lostCount / bursts.length : 0,
    maxBurst: bursts.reduce((m, b) => Math.max(m, b), 0),
    pLossAfterLoss: pairs > 0 ? lostAfterLost / pairs : 0,
  };
}

/**
 * The loss mask of a run of packets identified by sequence number: 1 for each sequence number
 * in [firstSeq, firstSeq + count) that is not in `receivedSeqs`.
 */
export function lossMaskFromSeqs(
  firstSeq: number,
  count: number,
  receivedSeqs: Iterable<number>,
): Uint8Array {
  const mask = new Uint8Array(count).fill(1);
  for (const s of receivedSeqs) {
    const k = (s - firstSeq) >>> 0;
    if (k < count) mask[k] = 0;
  }
  return mask;
}
