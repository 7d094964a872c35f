/**
 * The page's WebRTC path for latents: a mediasoup-client recv transport with one data
 * consumer (reliable or unreliable, as the SFU opened it). Every message is one latent packet
 * (@semaigc/datachannel); packets are kept per payload until the caller collects the payload,
 * which resolves when all its packets are in or when no more can be expected (a quiet period
 * after the last arrival), with lost packets as zero-filled erasures.
 * Signalling is the caller's: it brings the SFU's parameters and carries the DTLS parameters
 * back (over the authenticated socket.io session in the receiver page).
 */
import { Device, type types } from 'mediasoup-client';
import { type AssembledLatent, LatentAssembler, decodePacket } from '@semaigc/datachannel';

/** The SFU's answer to "open a WebRTC path for me" (@semaigc/sfu's ReceiverWebRtcParams). */
export interface WebRtcOffer {
  mode: 'reliable' | 'unreliable';
  routerRtpCapabilities: types.RtpCapabilities;
  transport: types.TransportOptions;
  /** The SFU's data consumer, as mediasoup-client's `consumeData()` takes it. */
  dataConsumer: types.DataConsumerOptions;
}

export interface CollectOptions {
  /** Elements of the latent (from the payload's header, which travels over socket.io). */
  elements: number;
  /** Packets the SFU sent for it. */
  packets: number;
  /** Give up on missing packets this long after the last arrival (or after the call). */
  quietMs?: number;
}

export const DEFAULT_QUIET_MS = 300;
/** Payloads kept before the oldest uncollected one is dropped (bounds memory on a bad caller). */
const MAX_PENDING_PAYLOADS = 64;

/** True where the page can run the WebRTC path (RTCPeerConnection with data channels). */
export function webRtcSupported(): boolean {
  return typeof RTCPeerConnection !== 'undefined' && 'createDataChannel' in RTCPeerConnection.prototype;
}

/**
 * mediasoup-client picks its handler from the user agent and refuses agents it does not know
 * (headless Chromium says "HeadlessChrome"). Only data channels are used here, which every
 * handler drives through the same standard RTCPeerConnection calls, so a browser that has
 * them gets the current Chrome handler.
 */
async function createDevice(): Promise<Device> {
  try {
    return await Device.factory();
  } catch (err) {
    if (!webRtcSupported()) throw err;
    return Device.factory({ handlerName: 'Chrome111' });
  }
}

export class WebRtcLatentChannel {
  /** Every packet received on the channel, in arrival order of sequence numbers. */
  readonly receivedSeqs: number[] = [];
  packetsReceived = 0;
  malformed = 0;
  private readonly pending = new Map<number, { asm: LatentAssembler; lastAt: number }>();
  private readonly waiters = new Map<number, () => void>();

  private constructor(
    readonly mode: 'reliable' | 'unreliable',
    private readonly transport: types.Transport,
    private readonly consumer: types.DataConsumer,
    private readonly now: () => number,
  ) {
    consumer.on('message', (data: unknown) => this.onMessage(data));
  }

  /**
   * Loads the device, creates the recv transport and the data consumer; `connect` sends the
   * page's DTLS parameters to the SFU and resolves when it has them.
   */
  static async open(
    offer: WebRtcOffer,
    connect: (dtlsParameters: types.DtlsParameters) => Promise<void>,
    now: () => number = () => Date.now(),
  ): Promise<WebRtcLatentChannel> {
    const device = await createDevice();
    await device.load({ routerRtpCapabilities: offer.routerRtpCapabilities });
    const transport = device.createRecvTransport(offer.transport);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      connect(dtlsParameters).then(callback, (err: unknown) =>
        errback(err instanceof Error ? err : new Error(String(err))),
      );
    });
    const consumer = await transport.consumeData(offer.dataConsumer);
    consumer.binaryType = 'arraybuffer';
    const channel = new WebRtcLatentChannel(offer.mode, transport, consumer, now);
    if (consumer.readyState !== 'open') {
      await new Promise<void>((resolve, reject) => {
        consumer.once('open', () => resolve());
        consumer.once('error', (err: Error) => reject(err));
      });
    }
    return channel;
  }

  /** Waits for the payload's packets (see CollectOptions) and returns the latent with erasures. */
  async collect(payloadId: number, o: CollectOptions): Promise<AssembledLatent> {
    const quietMs = o.quietMs ?? DEFAULT_QUIET_MS;
    const start = this.now();
    for (;;) {
      const p = this.pending.get(payloadId);
      if (p?.asm.complete) break;
      const idleFor = this.now() - Math.max(start, p?.lastAt ?? start);
      if (idleFor >= quietMs) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, quietMs - idleFor);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.set(payloadId, done);
      });
      this.waiters.delete(payloadId);
    }
    const asm = this.pending.get(payloadId)?.asm ?? new LatentAssembler(payloadId);
    this.pending.delete(payloadId);
    return asm.assemble(o.elements, o.packets);
  }

  /**
   * The browser's own counters for this path (RTCPeerConnection stats): UDP packets the ICE
   * transport received and messages the data channel delivered. Comparing the two with the
   * packets a link delivered tells where a lost packet went missing.
   */
  async linkStats(): Promise<{
    transportPacketsReceived: number | null;
    channelMessagesReceived: number | null;
  }> {
    const report = await this.transport.getStats();
    let transportPacketsReceived: number | null = null;
    let channelMessagesReceived: number | null = null;
    report.forEach((s: { type: string; packetsReceived?: number; messagesReceived?: number }) => {
      if (s.type === 'transport' && typeof s.packetsReceived === 'number') {
        transportPacketsReceived = (transportPacketsReceived ?? 0) + s.packetsReceived;
      }
      if (s.type === 'data-channel' && typeof s.messagesReceived === 'number') {
        channelMessagesReceived = (channelMessagesReceived ?? 0) + s.messagesReceived;
      }
    });
    return { transportPacketsReceived, channelMessagesReceived };
  }

  close(): void {
    this.consumer.close();
    this.transport.close();
    for (const w of this.waiters.values()) w();
  }

  private onMessage(data: unknown): void {
    const at = this.now();
    if (!(data instanceof ArrayBuffer)) {
      this.malformed++;
      return;
    }
    let packet;
    try {
      packet = decodePacket(data);
    } catch {
      this.malformed++;
      return;
    }
    this.packetsReceived++;
    this.receivedSeqs.push(packet.seq);
    let p = this.pending.get(packet.payloadId);
    if (!p) {
      if (this.pending.size >= MAX_PENDING_PAYLOADS) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
      }
      p = { asm: new LatentAssembler(packet.payloadId), lastAt: at };
      this.pending.set(packet.payloadId, p);
    }
    p.asm.add(packet, at);
    p.lastAt = at;
    if (p.asm.complete) this.waiters.get(packet.payloadId)?.();
  }
}
