/**
 * The SFU: one mediasoup worker and router. Latents enter through a DirectTransport (the
 * coordinator's process hands them over as packets); each browser receiver has its own
 * WebRtcTransport with SCTP and one data consumer, reliable or unreliable, fed by a data
 * producer for that receiver. The browser side is mediasoup-client's recv transport and
 * `consumeData()`; the parameters it needs are what `openReceiver()` returns, carried by the
 * caller's signalling (the authenticated socket.io session in the coordinator).
 */
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { packetizeLatent, stampSentAt } from '@semaigc/datachannel';
import { UnknownReceiverError } from './errors';
import {
  type DeliveryMode,
  type ResolvedSfuOptions,
  type SfuOptions,
  assertDeliveryMode,
  resolveSfuOptions,
} from './options';
import { resolveWorkerBin } from './worker-bin';

/** What a browser needs for `device.createRecvTransport()` and `transport.consumeData()`. */
export interface ReceiverWebRtcParams {
  mode: DeliveryMode;
  transport: {
    id: string;
    iceParameters: types.IceParameters;
    iceCandidates: types.IceCandidate[];
    dtlsParameters: types.DtlsParameters;
    sctpParameters: types.SctpParameters;
  };
  dataConsumer: {
    id: string;
    dataProducerId: string;
    sctpStreamParameters: types.SctpStreamParameters;
    label: string;
    protocol: string;
  };
}

export interface SentLatent {
  payloadId: number;
  /** Sequence number of the payload's first packet; its packets are firstSeq … firstSeq+packets−1. */
  firstSeq: number;
  packets: number;
  /** Wall clock when the first packet was handed to the worker. */
  sentAtMs: number;
}

/** Per-receiver counters, as the SFU saw them. */
export interface ReceiverLinkStats {
  mode: DeliveryMode;
  payloadsSent: number;
  packetsSent: number;
  sctpState: types.SctpState | undefined;
  dtlsState: types.DtlsState;
}

interface ReceiverLink {
  mode: DeliveryMode;
  transport: types.WebRtcTransport;
  producer: types.DataProducer;
  consumer: types.DataConsumer;
  nextSeq: number;
  nextPayloadId: number;
  payloadsSent: number;
  packetsSent: number;
}

/** Binary data-channel messages (WebRTC's PPID for binary). */
const PPID_BINARY = 53;

export class Sfu {
  readonly options: ResolvedSfuOptions;
  readonly worker: types.Worker;
  readonly router: types.Router;
  readonly direct: types.DirectTransport;
  private readonly links = new Map<string, ReceiverLink>();
  private closed = false;

  private constructor(
    options: ResolvedSfuOptions,
    worker: types.Worker,
    router: types.Router,
    direct: types.DirectTransport,
  ) {
    this.options = options;
    this.worker = worker;
    this.router = router;
    this.direct = direct;
  }

  static async create(options: SfuOptions = {}): Promise<Sfu> {
    const o = resolveSfuOptions(options);
    const worker = await mediasoup.createWorker({
      workerBin: o.workerBin ?? resolveWorkerBin(),
      logLevel: o.logLevel,
      rtcMinPort: o.rtcMinPort,
      rtcMaxPort: o.rtcMaxPort,
    });
    try {
      // Data channels only: no media codecs. mediasoup-client still loads these capabilities.
      const router = await worker.createRouter({ mediaCodecs: [] });
      const direct = await router.createDirectTransport();
      return new Sfu(o, worker, router, direct);
    } catch (err) {
      worker.close();
      throw err;
    }
  }

  get routerRtpCapabilities(): types.RtpCapabilities {
    return this.router.rtpCapabilities;
  }

  get receiverIds(): string[] {
    return [...this.links.keys()];
  }

  /**
   * Opens (or re-opens, closing the old one) the WebRTC path to `receiverId`: a WebRtcTransport
   * with SCTP (mediasoup's built-in stack negotiates the stream counts) and a data consumer in
   * `mode`.
   */
  async openReceiver(receiverId: string, mode: DeliveryMode): Promise<ReceiverWebRtcParams> {
    if (this.closed) throw new TypeError('the SFU is closed');
    if (typeof receiverId !== 'string' || receiverId === '') {
      throw new TypeError(`receiverId must be a non-empty string, got ${String(receiverId)}`);
    }
    assertDeliveryMode(mode);
    this.closeReceiver(receiverId);
    const transport = await this.router.createWebRtcTransport({
      listenInfos: [
        {
          protocol: 'udp',
          ip: this.options.listenIp,
          ...(this.options.announcedAddress ? { announcedAddress: this.options.announcedAddress } : {}),
        },
      ],
      enableSctp: true,
      appData: { receiverId },
    });
    try {
      const producer = await this.direct.produceData({
        label: `latents:${receiverId}`,
        appData: { receiverId },
      });
      const consumer = await transport.consumeData(
        mode === 'reliable'
          ? { dataProducerId: producer.id, ordered: true }
          : // Both: no retransmission, and a queueing deadline instead of mediasoup's 0 ms
            // (SfuOptions.unreliableQueueMs). mediasoup accepts the pair since one is 0.
            {
              dataProducerId: producer.id,
              ordered: false,
              maxRetransmits: 0,
              maxPacketLifeTime: this.options.unreliableQueueMs,
            },
      );
      const link: ReceiverLink = {
        mode,
        transport,
        producer,
        consumer,
        nextSeq: 0,
        nextPayloadId: 1,
        payloadsSent: 0,
        packetsSent: 0,
      };
      this.links.set(receiverId, link);
      transport.on('dtlsstatechange', (state) => {
        if ((state === 'failed' || state === 'closed') && this.links.get(receiverId) === link) {
          this.closeReceiver(receiverId);
        }
      });
      return {
        mode,
        transport: {
          id: transport.id,
          iceParameters: transport.iceParameters,
          iceCandidates: transport.iceCandidates,
          dtlsParameters: transport.dtlsParameters,
          sctpParameters: transport.sctpParameters!,
        },
        dataConsumer: {
          id: consumer.id,
          dataProducerId: producer.id,
          sctpStreamParameters: consumer.sctpStreamParameters!,
          label: consumer.label,
          protocol: consumer.protocol,
        },
      };
    } catch (err) {
      transport.close();
      throw err;
    }
  }

  /** The browser's DTLS parameters (from its recv transport's 'connect' event). */
  async connectReceiver(receiverId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.link(receiverId).transport.connect({ dtlsParameters });
  }

  /** Resolves once the receiver's SCTP association is up (packets sent before it are lost). */
  async whenConnected(receiverId: string, timeoutMs = 15_000): Promise<void> {
    const { transport } = this.link(receiverId);
    if (transport.sctpState === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        transport.removeListener('sctpstatechange', onState);
        reject(
          new Error(
            `[receiver:${receiverId}] SCTP not connected after ${timeoutMs} ms (state ${transport.sctpState})`,
          ),
        );
      }, timeoutMs);
      const onState = (state: types.SctpState): void => {
        if (state !== 'connected') return;
        clearTimeout(timer);
        transport.removeListener('sctpstatechange', onState);
        resolve();
      };
      transport.on('sctpstatechange', onState);
    });
  }

  /**
   * Sends a latent to `receiverId` as sequence-numbered packets, each stamped with the wall
   * clock when handed to the worker. Returns what the receiver's record must be compared with.
   */
  sendLatent(receiverId: string, latent: Float32Array): SentLatent {
    const link = this.link(receiverId);
    const payloadId = link.nextPayloadId;
    link.nextPayloadId = (link.nextPayloadId + 1) >>> 0 || 1;
    const firstSeq = link.nextSeq;
    const packets = packetizeLatent(latent, { payloadId, firstSeq, packetBytes: this.options.packetBytes });
    const sentAtMs = Date.now();
    for (const p of packets) {
      stampSentAt(p, Date.now());
      link.producer.send(Buffer.from(p.buffer, p.byteOffset, p.byteLength), PPID_BINARY);
    }
    link.nextSeq = (firstSeq + packets.length) >>> 0;
    link.payloadsSent++;
    link.packetsSent += packets.length;
    return { payloadId, firstSeq, packets: packets.length, sentAtMs };
  }

  stats(receiverId: string): ReceiverLinkStats {
    const l = this.link(receiverId);
    return {
      mode: l.mode,
      payloadsSent: l.payloadsSent,
      packetsSent: l.packetsSent,
      sctpState: l.transport.sctpState,
      dtlsState: l.transport.dtlsState,
    };
  }

  hasReceiver(receiverId: string): boolean {
    return this.links.has(receiverId);
  }

  closeReceiver(receiverId: string): void {
    const l = this.links.get(receiverId);
    if (!l) return;
    this.links.delete(receiverId);
    l.producer.close();
    l.transport.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.links.keys()]) this.closeReceiver(id);
    this.worker.close();
  }

  private link(receiverId: string): ReceiverLink {
    const l = this.links.get(receiverId);
    if (!l) throw new UnknownReceiverError(receiverId);
    return l;
  }
}

/** `createSfu({ listenIp = '127.0.0.1', ... } = {})`: starts a worker, a router and the DirectTransport. */
export function createSfu(options: SfuOptions = {}): Promise<Sfu> {
  return Sfu.create(options);
}
