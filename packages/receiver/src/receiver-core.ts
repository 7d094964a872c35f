/**
 * What a receiver does with one job, the same in a browser and headless: a `latent`
 * (split: T̂ − a noise-aware steps, decode), an `image` (Edge AIGC: the pixels arrived), or a
 * `request` (Local AIGC: text encoding and all T̂ steps here). It returns the decoded image
 * and the protocol record; transports (socket.io, NATS) stay in the apps.
 */
import {
  fromRgba,
  initialNoise,
  type DecodedImage,
  type ReceiverVariant,
  type SplitPipeline,
} from '@semaigc/diffusion';
import { psnr, satisfaction, ssim } from '@semaigc/metrics';
import {
  failedRecord,
  PROTOCOL_VERSION,
  stepPacer,
  type Capabilities,
  type CpuClock,
  type ErrorCode,
  type ImageMessage,
  type LatentMessage,
  type RecordMessage,
  type RequestBody,
  type RequestMessage,
} from '@semaigc/protocol';
import { ReferenceCache } from './reference-cache';
import { resolveVariant } from './variant';

export type ReceiverJob = LatentMessage | ImageMessage | RequestMessage;

export interface ReceiverCoreOptions {
  pipeline: SplitPipeline;
  nodeId: string;
  /** This receiver's capabilities, as sent in hello (copied into each record). */
  capabilities: () => Capabilities;
  /** Share p of the device's compute (weaker-device emulation): each step is stretched to measured/p. */
  computeShare?: number;
  /**
   * The process CPU clock (Node: node-kit's processCpuMs). With it a step's measured compute
   * is the smaller of its wall time and the CPU time it used, so a step that spans a SIGSTOP
   * is not padded again after SIGCONT; without it (a browser, which has none) wall time.
   */
  cpuMs?: CpuClock;
  /** A device profile: each step padded to this time at full share, ms, when a request states none. */
  stepTimeMs?: number;
  /**
   * Always compute PSNR/SSIM against a channel-free reference (a second full generation per
   * request); otherwise only when the request asks (`computeReference`).
   */
  computeReference?: boolean;
  /** The variant used when a request names none. */
  defaultVariant?: ReceiverVariant;
  /**
   * The pads' sleep (default protocol's timerSleep). One that resolves with the ms it waited
   * has a short wait made up in the next pad.
   */
  sleep?: (ms: number) => Promise<number | void>;
  /** Epoch ms (the coordinator's clock when the node knows its offset). */
  clock?: () => number;
  referenceCacheSize?: number;
}

export interface Arrival {
  /** clock() when the payload arrived. */
  arrivedAt: number;
  /** Encoded size of the payload message (0 for Local AIGC). */
  payloadBytes: number;
  /** How long the job waited in the receiver's queue before it started (default 0). */
  queuedMs?: number;
  retries?: number;
}

export interface ReceiverResult {
  record: RecordMessage;
  image: DecodedImage;
}

export class ReceiverCore {
  private readonly references: ReferenceCache;
  private readonly clock: () => number;
  computeShare: number;
  computeReference: boolean;

  constructor(private readonly opts: ReceiverCoreOptions) {
    this.references = new ReferenceCache(opts.referenceCacheSize);
    this.clock = opts.clock ?? Date.now;
    this.computeShare = checkShare(opts.computeShare ?? 1);
    this.computeReference = opts.computeReference ?? false;
  }

  get pipeline(): SplitPipeline {
    return this.opts.pipeline;
  }

  async handle(job: ReceiverJob, arrival: Arrival): Promise<ReceiverResult> {
    const p = this.opts.pipeline;
    const request: RequestBody = job.type === 'request' ? job : job.request;
    const tag = request.requestId;
    const variant = resolveVariant(request);
    let image: DecodedImage;
    let textEncodeMs = 0;
    let receiverStepsMs = 0;
    let decodeMs = 0;
    const t = (): number => performance.now();
    if (job.type === 'image') {
      const { width, height, data } = job.image;
      image = { width, height, data: new Uint8ClampedArray(data), raw: fromRgba(data, width, height) };
    } else {
      let latent: Float32Array;
      let fromIndex: number;
      let sigma2 = 0;
      if (job.type === 'latent') {
        if (job.tensor.dtype !== 'float32')
          throw new TypeError(`[request:${tag}] latent dtype ${job.tensor.dtype}, float32 expected`);
        latent = job.tensor.data;
        p.checkLatent(latent, `[request:${tag}] received latent`);
        fromIndex = job.stepIndex;
        sigma2 = job.channel.noiseVariance;
      } else {
        // Local AIGC: the receiver draws the request's initial noise itself.
        latent = initialNoise(request.seed, p.size);
        fromIndex = 0;
      }
      const t0 = t();
      const res = await p.deviceDenoise({
        latent,
        fromIndex,
        totalSteps: request.totalSteps,
        noiseVariance: sigma2,
        variant,
        prompt: request.prompt,
        guidanceScale: request.guidanceScale,
        seed: request.seed,
        // Each step stretched to its compute/p by waiting (the paper's PACR emulation), or to
        // the request's stated step time / p (protocol's step-time.ts).
        onStep: stepPacer({
          statedMs: request.stepTime?.receiverMs ?? this.opts.stepTimeMs ?? null,
          share: this.computeShare,
          sleep: this.opts.sleep,
          cpuMs: this.opts.cpuMs,
        }),
        requestId: tag,
      });
      textEncodeMs = res.textEncodeMs;
      receiverStepsMs = t() - t0 - textEncodeMs;
      const t1 = t();
      image = await p.decode(res.latent);
      decodeMs = t() - t1;
    }
    const tq = t();
    const quality = await this.quality(request, image);
    const qualityMs = t() - tq;
    const record = this.record(job, request, variant, arrival, quality, {
      qualityMs,
      textEncodeMs,
      receiverStepsMs,
      decodeMs,
    });
    return { record, image };
  }

  private async quality(request: RequestBody, image: DecodedImage): Promise<RecordMessage['quality']> {
    const p = this.opts.pipeline;
    let consistency: number | null = null;
    if (p.grammar) {
      try {
        consistency = (await p.consistency(request.prompt, image)).consistency;
      } catch {
        consistency = null; // a free-text prompt outside the grammar has no checker score
      }
    }
    if (!(request.computeReference || this.computeReference)) return { psnr: null, ssim: null, consistency };
    const ref = await this.references.get(
      ReferenceCache.key(request.prompt, request.seed, request.totalSteps, request.guidanceScale),
      async () => {
        const e = await p.edgeDenoise({
          prompt: request.prompt,
          seed: request.seed,
          totalSteps: request.totalSteps,
          edgeSteps: request.totalSteps,
          guidanceScale: request.guidanceScale,
        });
        return p.decode(e.latent);
      },
    );
    const db = psnr(ref, image);
    // Identical images have infinite PSNR; the record caps it so JSON stays finite.
    return { psnr: Number.isFinite(db) ? db : 100, ssim: ssim(ref, image), consistency };
  }

  private record(
    job: ReceiverJob,
    request: RequestBody,
    variant: ReceiverVariant,
    arrival: Arrival,
    quality: RecordMessage['quality'],
    own: { textEncodeMs: number; receiverStepsMs: number; decodeMs: number; qualityMs: number },
  ): RecordMessage {
    const completedAt = Math.max(this.clock(), request.createdAt);
    const endToEndMs = completedAt - request.createdAt;
    const lat = request.latency;
    const failed = endToEndMs / 1000 > lat.failureS;
    const edge = job.type === 'request' ? null : job;
    const ch = edge?.channel;
    return {
      v: PROTOCOL_VERSION,
      type: 'record',
      trialId: request.trialId,
      requestId: request.requestId,
      receiverId: this.opts.nodeId,
      edgeId: edge ? edge.edgeId : null,
      coordinatorId: null,
      prompt: request.prompt,
      seed: request.seed,
      totalSteps: request.totalSteps,
      edgeSteps: request.edgeSteps,
      deliver: request.deliver,
      policy: request.policy,
      checkpointId: request.checkpointId,
      receiverVariant: job.type === 'image' ? null : variant,
      channelMode: ch?.mode ?? 'ideal',
      snrDbSet: ch?.snrDbSet ?? request.channel.snrDb,
      snrDbMeasured: ch?.snrDbMeasured ?? null,
      noiseVariance: ch?.noiseVariance ?? 0,
      hRe: ch?.hRe ?? 1,
      hIm: ch?.hIm ?? 0,
      timings: {
        // Both queues the request waited in: the edge's and this receiver's.
        queueMs: (edge ? edge.timings.queueMs : 0) + (arrival.queuedMs ?? 0),
        textEncodeMs: (edge ? edge.timings.textEncodeMs : 0) + own.textEncodeMs,
        edgeStepsMs: edge ? edge.timings.edgeStepsMs : 0,
        txEmulatedMs: edge ? edge.timings.txEmulatedMs : 0,
        transportMs: edge ? Math.max(0, arrival.arrivedAt - edge.timings.sentAt) : 0,
        receiverStepsMs: own.receiverStepsMs,
        decodeMs: (edge ? edge.timings.decodeMs : 0) + own.decodeMs,
        qualityMs: own.qualityMs,
        endToEndMs,
      },
      payloadBytes: arrival.payloadBytes,
      quality,
      latency: lat,
      satisfaction: failed
        ? 0
        : satisfaction(endToEndMs / 1000, {
            targetS: lat.minS,
            limitS: lat.maxS,
            failureLimitS: lat.failureS,
          }),
      failed,
      failure: failed
        ? {
            code: 'DEADLINE_EXCEEDED',
            reason: `served in ${(endToEndMs / 1000).toFixed(2)} s, over the ${lat.failureS} s failure limit`,
          }
        : null,
      retries: arrival.retries ?? request.attempt,
      attempt: request.attempt,
      receiver: this.opts.capabilities(),
      edge: null,
      startedAt: request.createdAt,
      completedAt,
      ...(request.stepTime ? { stepTime: request.stepTime } : {}),
      // What the physical layer did to the payload, as the edge's channel computed it.
      ...(ch?.phy ? { phy: ch.phy } : {}),
    };
  }

  /** A record for a job this receiver could not finish (the error travels as data). */
  failedRecord(request: RequestBody, code: ErrorCode, reason: string, arrival: Arrival): RecordMessage {
    return failedRecord({
      request: { ...request, receiverId: this.opts.nodeId },
      edgeId: request.edgeId,
      coordinatorId: null,
      receiver: this.opts.capabilities(),
      edge: null,
      code,
      reason,
      retries: arrival.retries ?? request.attempt,
      payloadBytes: arrival.payloadBytes,
      startedAt: request.createdAt,
      completedAt: this.clock(),
    });
  }
}

function checkShare(p: number): number {
  if (!(p > 0 && p <= 1)) throw new TypeError(`computeShare must be in (0, 1], got ${p}`);
  return p;
}
