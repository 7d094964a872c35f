/**
 * What the edge sends the receiver: the latent after a steps through the channel (with what
 * the channel did, for the noise-aware denoiser), or, for Edge AIGC, the decoded image.
 * Both embed the request so a receiver needs no state to finish the job and write a record.
 */
import { z } from 'zod';
import { channelMetaSchema } from '../channel-config';
import { ValidationError } from '../errors';
import { idSchema } from '../ids';
import {
  type Tensor,
  type TensorSite,
  bytesSchema,
  tensorFromWire,
  tensorToWire,
  wireTensorSchema,
} from '../tensor';
import { count, durationMs, epochMs, versionField } from './common';
import { requestBodySchema } from './request';
import { WEBRTC_MODES } from './delivery';

export const MAX_IMAGE_SIDE = 8192;

/** Edge-side timings so far, in ms; the receiver adds its own for the record. */
export const edgeTimingsSchema = z.object({
  /** Waiting on the edge before work started. */
  queueMs: durationMs,
  textEncodeMs: durationMs,
  /** All a edge steps together. */
  edgeStepsMs: durationMs,
  /** Channel emulation compute (noise, fading, modulation). */
  channelMs: durationMs,
  /** VAE decode on the edge (Edge AIGC), 0 otherwise. */
  decodeMs: durationMs,
  /** Transmission time held before sending (channel.phy.txMs; 0 when emulation is off). */
  txEmulatedMs: durationMs,
  /** Edge clock: when the request arrived and when the payload left. */
  receivedAt: epochMs,
  sentAt: epochMs,
  /** Per-step times of the edge steps, when measured. */
  stepMs: z.array(durationMs).max(1000).optional(),
});
export type EdgeTimings = z.output<typeof edgeTimingsSchema>;

type Embeds = { requestId: string; request: { requestId: string } };
function sameRequest(m: Embeds, ctx: z.RefinementCtx): void {
  if (m.requestId !== m.request.requestId) {
    ctx.addIssue({
      code: 'custom',
      path: ['request', 'requestId'],
      message: `must equal requestId (${m.requestId})`,
    });
  }
}

/** Every field of a latent payload but its tensor (shared by `latent` and `latent.packets`). */
const latentHeaderShape = {
  v: versionField,
  requestId: idSchema,
  edgeId: idSchema,
  request: requestBodySchema,
  /** DDIM steps already run: equals request.edgeSteps. */
  stepIndex: count,
  /** The diffusion timestep t_a the latent is at (e.g. 999 … 0 for 1000 training steps). */
  timestep: z.number().int().min(0).max(100_000),
  channel: channelMetaSchema,
  timings: edgeTimingsSchema,
};

function latentRules(
  m: Embeds & { stepIndex: number; request: { edgeSteps: number } },
  ctx: z.RefinementCtx,
): void {
  sameRequest(m, ctx);
  if (m.stepIndex !== m.request.edgeSteps) {
    ctx.addIssue({
      code: 'custom',
      path: ['stepIndex'],
      message: `must equal request.edgeSteps (${m.request.edgeSteps})`,
    });
  }
}

export const latentWireSchema = z
  .object({ ...latentHeaderShape, type: z.literal('latent'), tensor: wireTensorSchema })
  .superRefine(latentRules);

/**
 * A latent whose elements travel as WebRTC data-channel packets through the coordinator's SFU
 * (delivery.ts): everything of the `latent` message but the tensor's data, which the receiver
 * assembles from the packets `packets.firstSeq` … firstSeq + count − 1 of payload
 * `packets.payloadId`, lost ones zero-filled.
 */
export const latentPacketsSchema = z
  .object({
    ...latentHeaderShape,
    type: z.literal('latent.packets'),
    tensor: wireTensorSchema.pick({ shape: true }).extend({ dtype: z.literal('float32') }),
    packets: z.object({
      mode: z.enum(WEBRTC_MODES),
      payloadId: z.number().int().min(1).max(0xffffffff),
      firstSeq: z.number().int().min(0).max(0xffffffff),
      count: z.number().int().min(1).max(0xffff),
      /** Coordinator clock when the first packet went to the SFU. */
      sentAt: epochMs,
    }),
    /** Bytes of the latent message as the edge sent it (what socket.io would have carried). */
    payloadBytes: count,
  })
  .superRefine(latentRules);

export type LatentPacketsMessage = z.output<typeof latentPacketsSchema>;

export type LatentWire = z.output<typeof latentWireSchema>;
export type LatentMessage = Omit<LatentWire, 'tensor'> & { tensor: Tensor };

export const IMAGE_FORMATS = ['rgba8'] as const;

export const imageSchema = z
  .object({
    v: versionField,
    type: z.literal('image'),
    requestId: idSchema,
    edgeId: idSchema,
    request: requestBodySchema,
    image: z.object({
      width: z.number().int().min(1).max(MAX_IMAGE_SIDE),
      height: z.number().int().min(1).max(MAX_IMAGE_SIDE),
      /** 8-bit RGBA, row-major, 4 bytes per pixel (ImageData's layout). */
      format: z.enum(IMAGE_FORMATS),
      data: bytesSchema,
    }),
    channel: channelMetaSchema,
    timings: edgeTimingsSchema,
  })
  .superRefine((m, ctx) => {
    sameRequest(m, ctx);
    if (m.request.deliver !== 'image') {
      ctx.addIssue({
        code: 'custom',
        path: ['request', 'deliver'],
        message: "must be 'image' for an image payload",
      });
    }
  });

export type ImageMessage = z.output<typeof imageSchema>;

/** Binary checks zod does not do: pixel count; copies the pixels when asked. */
export function imageFromWire(m: ImageMessage, site: TensorSite, copy: boolean): ImageMessage {
  const { width, height, data } = m.image;
  const want = width * height * 4;
  if (data.byteLength !== want) {
    throw new ValidationError(
      'image.data',
      `${width}x${height} rgba8 needs ${want} bytes, got ${data.byteLength}`,
      { code: 'SHAPE_MISMATCH', context: site.context },
    );
  }
  return copy ? { ...m, image: { ...m.image, data: Uint8Array.prototype.slice.call(data) } } : m;
}

export function latentFromWire(m: LatentWire, site: TensorSite, copy: boolean): LatentMessage {
  return { ...m, tensor: tensorFromWire(m.tensor, { ...site, path: 'tensor' }, { copy }) };
}

/** Typed tensor → bytes view; anything else is left for the schema to name. */
export function latentToWire(m: LatentMessage, site: TensorSite): unknown {
  const t: unknown = (m as { tensor?: unknown }).tensor;
  const looksTyped =
    typeof t === 'object' && t !== null && ArrayBuffer.isView((t as { data?: unknown }).data);
  return looksTyped ? { ...m, tensor: tensorToWire(t as Tensor, { ...site, path: 'tensor' }) } : m;
}
