/**
 * One request on the edge: text encoding and a DDIM steps (each stretched to compute/p for
 * compute share p, or to the request's stated step time / p; protocol's stepPacer, its compute
 * the smaller of its wall time and the process CPU time it used), then the channel
 * on the genuine intermediate latent — or, for Edge AIGC, a decode on the edge and the
 * image's bits over the digital link adapted to the SNR (packages/channel phy.ts), HARQ paid in time.
 */
import { holdDelivery, transmit, transmitImage } from '@semaigc/channel';
import type { SplitPipeline } from '@semaigc/diffusion';
import { processCpuMs } from '@semaigc/node-kit';
import {
  PROTOCOL_VERSION,
  stepPacer,
  timerSleep,
  type ImageMessage,
  type LatentMessage,
  type RequestMessage,
} from '@semaigc/protocol';

export interface GenerateContext {
  pipeline: SplitPipeline;
  edgeId: string;
  computeShare: number;
  /** This node's stated step time at full share, ms (`semaigc edge --step-time`): used when the request states none. */
  stepTimeMs?: number | null;
  /** Epoch ms on the coordinator's clock. */
  now: () => number;
  /**
   * The pads' and the link hold's sleep (default: protocol's timerSleep). One that resolves
   * with the ms it waited has a short pad made up in the next.
   */
  sleep?: (ms: number) => Promise<number | void>;
}

export async function generate(
  ctx: GenerateContext,
  req: RequestMessage,
  receivedAt: number,
): Promise<LatentMessage | ImageMessage> {
  const sleep = ctx.sleep ?? timerSleep;
  const wait = async (ms: number): Promise<void> => void (await sleep(ms));
  const started = ctx.now();
  const queueMs = Math.max(0, started - receivedAt);
  const { v: _v, type: _t, ...request } = req;
  // PACR share and the request's stated step time (step-time.ts in protocol): pad by waiting,
  // each step's compute measured in CPU time too, so a freeze inside a step is not padded.
  const statedMs = req.stepTime?.edgeMs ?? ctx.stepTimeMs ?? null;
  const stretch = stepPacer({ statedMs, share: ctx.computeShare, sleep, cpuMs: processCpuMs });
  const t0 = performance.now();
  const edge = await ctx.pipeline.edgeDenoise({
    prompt: req.prompt,
    seed: req.seed,
    totalSteps: req.totalSteps,
    edgeSteps: req.edgeSteps,
    guidanceScale: req.guidanceScale,
    onStep: stretch,
    requestId: req.requestId,
  });
  const edgeStepsMs = performance.now() - t0 - edge.textEncodeMs;
  const base = { queueMs, textEncodeMs: edge.textEncodeMs, edgeStepsMs, receivedAt, stepMs: edge.stepMs };

  if (req.deliver === 'image') {
    const t1 = performance.now();
    const img = await ctx.pipeline.decode(edge.latent);
    const decodeMs = performance.now() - t1;
    // The image's RGB bits cross the digital link adapted to the SNR (packages/channel phy.ts):
    // error-free after HARQ, the retransmissions held in time.
    const tx = transmitImage(img.width * img.height * 24, req.channel, { seed: req.seed });
    const held = await holdDelivery(tx, wait);
    return {
      v: PROTOCOL_VERSION,
      type: 'image',
      requestId: req.requestId,
      edgeId: ctx.edgeId,
      request,
      image: { width: img.width, height: img.height, format: 'rgba8', data: new Uint8Array(img.data.buffer) },
      channel: tx.meta,
      timings: { ...base, channelMs: 0, decodeMs, txEmulatedMs: held * 1000, sentAt: ctx.now() },
    };
  }

  const t2 = performance.now();
  const tx = transmit(edge.latent, req.channel, { seed: req.seed });
  const channelMs = performance.now() - t2;
  const held = await holdDelivery(tx, wait);
  const { channels: c, height: h, width: w } = ctx.pipeline.bundle.manifest.latent;
  return {
    v: PROTOCOL_VERSION,
    type: 'latent',
    requestId: req.requestId,
    edgeId: ctx.edgeId,
    request,
    stepIndex: edge.stepIndex,
    timestep: edge.timestep ?? 0,
    tensor: { dtype: 'float32', shape: [1, c, h, w], data: tx.output },
    channel: tx.meta,
    timings: { ...base, channelMs, decodeMs: 0, txEmulatedMs: held * 1000, sentAt: ctx.now() },
  };
}
