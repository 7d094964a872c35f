/**
 * A receiver's finished image, for people to look at: the coordinator shows it on the
 * dashboard and saves it as runs/<trial>/images/<requestId>.png. It is not part of the
 * measured path (the record is), so it may be sent after the record and may be dropped.
 * Its own type rather than `image`, because an `image` payload is Edge AIGC's edge → receiver
 * message (it embeds the request and needs deliver = 'image').
 */
import { z } from 'zod';
import { idSchema } from '../ids';
import type { TensorSite } from '../tensor';
import { bytesSchema } from '../tensor';
import { count, epochMs, finite, text, versionField } from './common';
import { IMAGE_FORMATS, MAX_IMAGE_SIDE, imageFromWire, type ImageMessage } from './payload';
import { MAX_PROMPT_LENGTH } from './request';

export const previewSchema = z.object({
  v: versionField,
  type: z.literal('preview'),
  trialId: idSchema,
  requestId: idSchema,
  receiverId: idSchema,
  /** null for Local AIGC. */
  edgeId: idSchema.nullable(),
  prompt: text(MAX_PROMPT_LENGTH),
  totalSteps: z.number().int().min(1),
  edgeSteps: count,
  /** The SNR the channel was set to, dB; null when no channel was crossed. */
  snrDbSet: finite.nullable(),
  image: z.object({
    width: z.number().int().min(1).max(MAX_IMAGE_SIDE),
    height: z.number().int().min(1).max(MAX_IMAGE_SIDE),
    format: z.enum(IMAGE_FORMATS),
    data: bytesSchema,
  }),
  /** Receiver clock when the image was ready. */
  createdAt: epochMs,
});

export type PreviewMessage = z.output<typeof previewSchema>;

/** Pixel-count check (w·h·4 bytes), the same as for `image`. */
export function previewFromWire(m: PreviewMessage, site: TensorSite, copy: boolean): PreviewMessage {
  // imageFromWire only reads and replaces `image`; the rest of the message passes through.
  return imageFromWire(m as unknown as ImageMessage, site, copy) as unknown as PreviewMessage;
}
