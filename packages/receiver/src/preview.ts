import { PROTOCOL_VERSION, type PreviewMessage, type RecordMessage } from '@semaigc/protocol';
import type { DecodedImage } from '@semaigc/diffusion';

/**
 * The `preview` a receiver sends after a record: the image for the dashboard and
 * runs/<trial>/images. `createdAt` defaults to the record's completion time.
 */
export function previewMessage(
  record: RecordMessage,
  image: DecodedImage,
  createdAt: number = record.completedAt,
): PreviewMessage {
  return {
    v: PROTOCOL_VERSION,
    type: 'preview',
    trialId: record.trialId,
    requestId: record.requestId,
    receiverId: record.receiverId,
    edgeId: record.edgeId,
    prompt: record.prompt,
    totalSteps: record.totalSteps,
    edgeSteps: record.edgeSteps,
    snrDbSet: record.edgeId === null ? null : record.snrDbSet,
    image: {
      width: image.width,
      height: image.height,
      format: 'rgba8',
      data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength),
    },
    createdAt,
  };
}
