/**
 * A stated per-step time: a request may ask the edge and the receiver to take at least this
 * long per denoising step (at full compute share), padding each step by waiting. It lets a
 * lab whose small model steps in a millisecond run in the regime of a paper profile (the
 * SemAIGC paper: 0.2 s per edge step, 0.368 s per device step) with real processes, real
 * messages and real clocks. Records carry the stated times they ran under.
 *
 * The pad rule, shared by every node that runs steps:
 *   wanted = max(measured, stated) / p        (stated at full share; PACR share p stretches it)
 *   pad    = wanted − measured                 (≥ 0)
 * so a node slower than the stated time is never slowed further, and p < 1 keeps its meaning.
 */
import { z } from 'zod';

const stepMs = z
  .number()
  .refine((v) => Number.isFinite(v) && v > 0 && v <= 600_000, 'must be ms per step in (0, 600000]')
  .nullable()
  .default(null);

export const stepTimeSchema = z.object({
  /** Edge UNet step at full share, ms; null: as measured. */
  edgeMs: stepMs,
  /** Receiver step at full share, ms; null: as measured. */
  receiverMs: stepMs,
});
export type StepTime = z.output<typeof stepTimeSchema>;

/**
 * How long to wait after a step that took `measuredMs`, so that it takes the stated time
 * (null: as measured) stretched by the compute share `share` ∈ (0, 1].
 */
export function stepPadMs(measuredMs: number, statedMs: number | null, share = 1): number {
  const wanted = Math.max(measuredMs, statedMs ?? 0) / share;
  return Math.max(0, wanted - measuredMs);
}
