/**
 * Where the simulator's image quality comes from. A `QualitySource` answers one question
 * per attempt: the probability that the delivered image passes the quality gate, for a
 * request of caption class `caption`, given what was done to it:
 *
 * - `{ kind: 'split', edgeSteps, snrDb }`: a latent after a edge steps crossed the analog
 *   channel at that SNR and the receiver ran T̂ − a steps;
 * - `{ kind: 'clean' }`: an image that never crossed an analog channel (Local AIGC, or Edge
 *   AIGC's image delivered error-free by HARQ).
 *
 * Attempts of one request share the caption (a regeneration is a new draw from the same
 * caption's distribution), so the gate's outcomes are correlated across regenerations
 * exactly as far as the caption explains them. `captions` = 1 means no such correlation
 * (the assumed profile's i.i.d. draws).
 */
import { normalCdf } from '../sim/service-model';
import { QualityTable, type QualityRow } from '../sim/quality-model';

export type QualityInput = { kind: 'split'; edgeSteps: number; snrDb: number } | { kind: 'clean' };

export interface QualitySource {
  readonly name: string;
  /** Caption classes; a request draws one uniformly and keeps it for its regenerations. */
  readonly captions: number;
  /** P(an attempt passes the gate | caption), for every caption class (a fresh array). */
  passVector(input: QualityInput): Float64Array;
}

/** Mean pass probability over captions (what a policy that does not know the caption expects). */
export function meanPassProbability(source: QualitySource, input: QualityInput): number {
  const v = source.passVector(input);
  let s = 0;
  for (let c = 0; c < v.length; c++) s += v[c]!;
  return s / v.length;
}

export interface AssumedQualitySpec {
  totalSteps: number;
  table: readonly QualityRow[];
  threshold: number;
  noiseStd: number;
  /** Quality of a clean image. */
  clean: number;
}

/**
 * The paper profile's illustrative AaaS table, explicitly *assumed* (no measurement behind
 * it): q(T̂ − a) per SNR, realised quality q + σz, pass when ≥ threshold; i.i.d. per attempt.
 */
export function assumedQuality(spec: AssumedQualitySpec): QualitySource {
  const table = new QualityTable(spec.table);
  const pass = (q: number): number =>
    spec.noiseStd === 0 ? (q >= spec.threshold ? 1 : 0) : normalCdf((q - spec.threshold) / spec.noiseStd);
  return {
    name: 'assumed',
    captions: 1,
    passVector: (input) =>
      Float64Array.of(
        input.kind === 'clean'
          ? pass(spec.clean)
          : pass(table.quality(spec.totalSteps - input.edgeSteps, input.snrDb)),
      ),
  };
}

/**
 * The same source with its answers remembered per input (planners ask the same split at
 * the same SNR many times). The arrays it returns are shared: read them, never write.
 * Forgets everything past `maxEntries` inputs (SNRs are continuous, so keys do not repeat
 * across requests).
 */
export function memoQuality(source: QualitySource, maxEntries = 20_000): QualitySource {
  const memo = new Map<string, Float64Array>();
  return {
    name: source.name,
    captions: source.captions,
    passVector: (input) => {
      const key = input.kind === 'clean' ? 'clean' : `${input.edgeSteps}|${input.snrDb}`;
      let v = memo.get(key);
      if (!v) {
        if (memo.size >= maxEntries) memo.clear();
        v = source.passVector(input);
        memo.set(key, v);
      }
      return v;
    },
  };
}
