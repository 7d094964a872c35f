/**
 * How long the virtual nodes of a simulated trial take for each stage of a request. Two
 * sources, both measurements:
 *
 * - a lab's records (`--lab-timing runs/<trial>/records.jsonl`): every succeeded record of
 *   a live trial on unpadded nodes at full share gives one sample of per-step times, text
 *   encoding, decode, the receiver's quality figures, and the rest of the end-to-end time
 *   (NATS hops, the channel's computation, the coordinator's bookkeeping: `hopMs`); the
 *   simulator resamples whole records, so the stages' spread and correlation are the lab's;
 * - the split benchmark's medians (packages/diffusion/docs/split-calibration.json): one
 *   sample with the model's per-step, text-encoding and decode times and no overhead (what
 *   the models cost, not what a lab adds around them).
 */
import type { RecordMessage } from '@semaigc/protocol';
import type { SplitBenchmark } from '@semaigc/root';

/** One measured request, per stage, ms (step times at full share, unpadded). */
export interface StageSample {
  /** Per edge step; null when the record ran no edge step. */
  edgeStepMs: number | null;
  /** Per receiver step; null when it ran none. */
  receiverStepMs: number | null;
  textEncodeMs: number;
  decodeMs: number;
  /** The caption checker alone (the reference generation, when asked, is modelled apart). */
  checkerMs: number;
  /** End to end minus every stage above and the emulated link: hops, dispatch and bookkeeping. */
  hopMs: number;
}

export interface LabTiming {
  /** Where the samples come from (a file, and how many records), for sim.json and the README. */
  source: string;
  samples: StageSample[];
  /** Medians of the measured per-step times (the virtual nodes' steps when a sample has none). */
  edgeStepMs: number;
  receiverStepMs: number;
  /**
   * What the lab's nodes announced (their hello's stepMs at full share, medians over the
   * records): the policy's view of the virtual nodes, as a coordinator sees the live ones.
   */
  announced: { edgeStepMs: number; receiverStepMs: number };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function withMedians(source: string, samples: StageSample[], announced?: LabTiming['announced']): LabTiming {
  const pick = (f: (s: StageSample) => number | null): number[] =>
    samples.map(f).filter((v): v is number => v !== null);
  const edge = pick((s) => s.edgeStepMs);
  const rx = pick((s) => s.receiverStepMs);
  if (edge.length === 0 || rx.length === 0) {
    throw new TypeError(
      `${source}: needs records with both edge steps (a >= 1) and receiver steps (a < T̂) to time both nodes`,
    );
  }
  const edgeStepMs = median(edge);
  const receiverStepMs = median(rx);
  return {
    source,
    samples,
    edgeStepMs,
    receiverStepMs,
    announced: announced ?? { edgeStepMs, receiverStepMs },
  };
}

/** The split benchmark's medians as a single sample (no lab overhead). */
export function labTimingFromBenchmark(b: SplitBenchmark, source: string): LabTiming {
  const t = b.timing;
  return withMedians(`${source} (split benchmark medians, no lab overhead)`, [
    {
      edgeStepMs: t.edgeStepS * 1000,
      receiverStepMs: t.deviceStepS * 1000,
      textEncodeMs: t.textEncodeS * 1000,
      decodeMs: t.vaeDecodeS * 1000,
      checkerMs: 0,
      hopMs: 0,
    },
  ]);
}

/**
 * Samples from a live trial's records. Records that failed, ran padded steps or ran at a
 * compute share below 1 are left out (their step times are not the nodes' own); the
 * receiver's reference generation (PSNR/SSIM) is taken out of its quality time, counted as
 * T̂ edge-speed steps, a text encoding and a decode, so a trial that does not ask for it is
 * not charged for it.
 */
export function labTimingFromRecords(records: readonly RecordMessage[], source: string): LabTiming {
  const samples: StageSample[] = [];
  const announcedEdge: number[] = [];
  const announcedRx: number[] = [];
  for (const r of records) {
    const t = r.timings;
    if (r.failed || r.stepTime || r.deliver !== 'latent' || t.endToEndMs === null) continue;
    if (r.receiver.computeShare < 1 || (r.edge && r.edge.computeShare < 1)) continue;
    const a = r.edgeSteps;
    const rxSteps = r.totalSteps - a;
    const edgeStepMs = a > 0 && t.edgeStepsMs !== null ? t.edgeStepsMs / a : null;
    const receiverStepMs = rxSteps > 0 && t.receiverStepsMs !== null ? t.receiverStepsMs / rxSteps : null;
    const textEncodeMs = t.textEncodeMs ?? 0;
    const decodeMs = t.decodeMs ?? 0;
    const qualityMs = t.qualityMs ?? 0;
    const referenceMs =
      r.quality.psnr !== null && edgeStepMs !== null
        ? r.totalSteps * edgeStepMs + textEncodeMs + decodeMs
        : 0;
    // The calibration's own queueing (dispatch to start, a few ms in a closed loop) stays in
    // the hops: the simulator queues requests itself only behind other requests.
    const stages =
      textEncodeMs +
      (t.edgeStepsMs ?? 0) +
      (t.txEmulatedMs ?? 0) +
      (t.receiverStepsMs ?? 0) +
      decodeMs +
      qualityMs;
    if (r.edge?.stepMs != null) announcedEdge.push(r.edge.stepMs);
    if (r.receiver.stepMs !== null) announcedRx.push(r.receiver.stepMs);
    samples.push({
      edgeStepMs,
      receiverStepMs,
      textEncodeMs,
      decodeMs,
      checkerMs: Math.max(0, qualityMs - referenceMs),
      hopMs: Math.max(0, t.endToEndMs - stages),
    });
  }
  if (samples.length === 0) {
    throw new TypeError(
      `${source}: no usable record (succeeded, latent delivery, unpadded steps at full share)`,
    );
  }
  const timing = withMedians(`${source} (${samples.length} records)`, samples);
  return {
    ...timing,
    announced: {
      edgeStepMs: announcedEdge.length > 0 ? median(announcedEdge) : timing.edgeStepMs,
      receiverStepMs: announcedRx.length > 0 ? median(announcedRx) : timing.receiverStepMs,
    },
  };
}
