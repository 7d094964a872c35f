/**
 * What the physical layer did to one payload (packages/channel's phy.ts computes it, the edge
 * sends it in the payload's channel meta, the receiver copies it into the record): the link
 * kind, its channel uses at symbol rate B and their time; for a digital link the modulation
 * and code it adapted to, the block error rate and the HARQ transmissions that time includes.
 */
import { z } from 'zod';

const nonNegative = z.number().refine((v) => Number.isFinite(v) && v >= 0, 'must be a finite number >= 0');
const countOrNull = z.number().int().min(0).nullable();

export const phyMetaSchema = z.object({
  /** analog: the latent's reals as I/Q symbols; digital: bits over a modulation and code. */
  link: z.enum(['analog', 'digital']),
  /** B, complex symbols per second (the channel's bandwidth). */
  symbolRateHz: z.number().positive(),
  /** Complex channel uses the payload took, retransmissions included. */
  channelUses: z.number().int().min(0),
  /** channelUses / B, ms: the transmission time the link charged. */
  txMs: nonNegative,
  /** The modulation and code (digital links adapted to the SNR); null for analog. */
  mcs: z
    .object({
      cqi: z.number().int().min(1).max(15),
      modulation: z.enum(['QPSK', '16QAM', '64QAM']),
      codeRate: z.number().gt(0).lt(1),
    })
    .nullable(),
  /** Block error rate at the link SNR on that MCS; null for analog. */
  bler: z.number().min(0).max(1).nullable(),
  /** Transport blocks of the payload; null for analog. */
  blocks: countOrNull,
  /** Block transmissions until every block was received (≥ blocks; the excess are retransmissions). */
  harqRounds: countOrNull,
  /** One transmission of every block, ms (txMs − onePassMs is the time retransmissions added). */
  onePassMs: nonNegative.nullable(),
});

export type PhyMeta = z.output<typeof phyMetaSchema>;
