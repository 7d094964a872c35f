/**
 * What a learned split policy saw when it decided a request, carried in its record: the
 * normalised state it fed its network, which inputs lay outside the range it was trained
 * on (and were clipped to it), and the time scale that mapped the lab's seconds onto the
 * training profile's. Every decision of a learned policy can then be traced and audited.
 */
import { z } from 'zod';
import { finite, text } from './common';

export const policyInputsSchema = z.object({
  /** The network's input, in the checkpoint's feature order, after clipping to [0, 1]. */
  features: z.array(finite).max(64),
  /** Names of the features that were out of the training range before clipping. */
  clipped: z.array(text(64)).max(64),
  /** Seconds of the training profile per second of this lab (1: none); null when not used. */
  timeScale: finite.nullable(),
});
export type PolicyInputs = z.output<typeof policyInputsSchema>;
