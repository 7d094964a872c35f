/**
 * The page's side of WebRTC delivery in a trial. When a trial assignment asks for WebRTC
 * (`trial.assign.delivery`), the page opens its data channel through the coordinator's SFU
 * over its socket.io session, unless it cannot (no RTCPeerConnection data channels, or the
 * URL says `webrtc=off`) — then it tells the coordinator (`webrtc.unavailable`), which sends
 * its latents over socket.io as before.
 *
 * A `latent.packets` message (the latent's header over socket.io) is joined with its packets:
 * lost packets become erasures as in the emulated packet channel (zero-filled elements,
 * counted in the channel meta's packetsSent/packetsLost that the noise-aware steps are given),
 * and the rebuilt `latent` message goes to the job runner like one relayed whole. The
 * request's record then carries what the page saw (packets received and lost, one-way delay).
 */
import { WEBRTC_UNAVAILABLE_EVENT, type WebRtcUnavailableNotice } from '@semaigc/datachannel';
import { quantile } from '@semaigc/metrics';
import {
  type DeliveryChoice,
  type LatentPacketsMessage,
  type Message,
  type RecordDelivery,
  type WebRtcMode,
  decodeAs,
  encode,
  makeMessage,
} from '@semaigc/protocol';
import { type WebRtcLatentChannel, webRtcSupported } from './latent-channel';
import { type AckingSocket, openWebRtcOverSocket } from './socket-signalling';

/**
 * How long after the last packet (or the header) a payload waits for missing ones. Unreliable:
 * the SFU may hold a packet up to its send-queue deadline while the congestion window is full,
 * so a second covers a slow link; reliable: nothing is lost, only late.
 */
export const QUIET_MS: Readonly<Record<WebRtcMode, number>> = { unreliable: 1000, reliable: 10_000 };
/** How long opening the path may take (signalling, ICE, DTLS, SCTP) before the page gives up. */
export const OPEN_TIMEOUT_MS = 15_000;
/** Records' delivery accounts kept until the record leaves (bounded: oldest dropped). */
const MAX_KEPT = 256;

export interface PageDeliveryTally {
  state: 'idle' | 'opening' | 'open' | 'unavailable';
  mode: WebRtcMode | null;
  /** Why the page has no WebRTC path (state 'unavailable'). */
  reason: string | null;
  /** Payloads assembled from packets, and their packets received and lost. */
  payloads: number;
  packetsReceived: number;
  packetsLost: number;
}

export interface PageDeliveryOptions {
  socket: AckingSocket & { emit(event: string, payload: unknown): unknown };
  /** false: the URL switched WebRTC off. */
  enabled: boolean;
  /** The session's clock (the coordinator's, offset-corrected), for one-way delays. */
  now: () => number;
  /** The rebuilt latent message, for the job runner. */
  enqueue: (bytes: Uint8Array) => void;
  onError: (message: string) => void;
  onChange?: (tally: PageDeliveryTally) => void;
}

const keyOf = (requestId: string, attempt: number): string => `${requestId}#${attempt}`;

export class PageDelivery {
  readonly tally: PageDeliveryTally = {
    state: 'idle',
    mode: null,
    reason: null,
    payloads: 0,
    packetsReceived: 0,
    packetsLost: 0,
  };
  private channel: WebRtcLatentChannel | null = null;
  /** Bumped by every assignment, so a slow open for an older one is closed, not kept. */
  private generation = 0;
  private readonly accounts = new Map<string, RecordDelivery>();
  /** Payloads waiting for a path that is still opening (the header can beat its 'open' event). */
  private openWaiters: Array<() => void> = [];

  constructor(private readonly o: PageDeliveryOptions) {}

  /** A trial assignment (again after every reconnect): open, re-open or drop the path. */
  async onAssign(choice: DeliveryChoice | undefined): Promise<void> {
    const generation = ++this.generation;
    this.channel?.close();
    this.channel = null;
    if (!choice || choice.transport !== 'webrtc') {
      this.set({ state: 'idle', mode: null, reason: null });
      return;
    }
    const cannot = !this.o.enabled
      ? 'switched off in the page URL (webrtc=off)'
      : !webRtcSupported()
        ? 'this browser has no WebRTC data channels'
        : null;
    if (cannot) return this.unavailable(choice.mode, cannot);
    this.set({ state: 'opening', mode: choice.mode, reason: null });
    const opening = openWebRtcOverSocket(this.o.socket, choice.mode, this.o.now);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // ICE that never reaches the SFU (it listens on an address this device cannot reach)
    // leaves the channel opening forever: give up and say so, so latents come over socket.io.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`not connected after ${OPEN_TIMEOUT_MS} ms`)),
        OPEN_TIMEOUT_MS,
      );
    });
    try {
      const channel = await Promise.race([opening, timeout]);
      if (generation !== this.generation) {
        channel.close();
        return;
      }
      this.channel = channel;
      this.set({ state: 'open', mode: choice.mode, reason: null });
    } catch (err) {
      // A channel that opens after all is not kept.
      opening.then(
        (c) => c.close(),
        () => undefined,
      );
      if (generation !== this.generation) return;
      this.unavailable(choice.mode, `opening failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A `latent.packets` message from the coordinator. */
  onPackets(bytes: Uint8Array | ArrayBuffer): void {
    let header: LatentPacketsMessage;
    try {
      header = decodeAs('latent.packets', bytes);
    } catch (err) {
      this.o.onError(
        `dropped a bad 'latent.packets' message: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    void this.assemble(header).catch((err: unknown) =>
      this.o.onError(
        `[request:${header.requestId}] latent packets not assembled: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  }

  /** The record with the page's account of its payload (when it came as packets). */
  stamp<M extends Message>(msg: M): M {
    if (msg.type !== 'record') return msg;
    const k = keyOf(msg.requestId, msg.attempt);
    const account = this.accounts.get(k);
    if (!account) return msg;
    this.accounts.delete(k);
    return { ...msg, delivery: account };
  }

  close(): void {
    this.generation++;
    this.channel?.close();
    this.channel = null;
  }

  private async assemble(header: LatentPacketsMessage): Promise<void> {
    const { packets } = header;
    const elements = header.tensor.shape.reduce((a, b) => a * b, 1);
    // The SFU sends once its side is connected, which can be just before the page's channel
    // reports open: wait for the opening to end (bounded by OPEN_TIMEOUT_MS).
    if (this.tally.state === 'opening') await new Promise<void>((resolve) => this.openWaiters.push(resolve));
    const channel = this.channel;
    // No path (it closed after the coordinator sent): every packet is an erasure.
    const got = channel
      ? await channel.collect(packets.payloadId, {
          elements,
          packets: packets.count,
          quietMs: QUIET_MS[packets.mode],
        })
      : {
          data: new Float32Array(elements),
          packetsSent: packets.count,
          packetsReceived: 0,
          packetsLost: packets.count,
          delaysMs: [] as number[],
        };
    const { packets: _p, payloadBytes: _b, type: _t, v: _v, tensor, channel: meta, ...rest } = header;
    // Erasures add to the emulated packet channel's, if the trial configured one.
    const latent = makeMessage('latent', {
      ...rest,
      tensor: { dtype: 'float32', shape: tensor.shape, data: got.data },
      channel: {
        ...meta,
        packetsSent: (meta.packetsSent ?? 0) + got.packetsSent,
        packetsLost: (meta.packetsLost ?? 0) + got.packetsLost,
      },
    });
    this.accounts.set(keyOf(header.requestId, header.request.attempt), {
      transport: 'webrtc',
      mode: packets.mode,
      packetsSent: got.packetsSent,
      packetsReceived: got.packetsReceived,
      packetsLost: got.packetsLost,
      delayMsMedian: got.delaysMs.length ? quantile(got.delaysMs, 0.5) : null,
      delayMsMax: got.delaysMs.length ? Math.max(...got.delaysMs) : null,
    });
    if (this.accounts.size > MAX_KEPT) this.accounts.delete(this.accounts.keys().next().value!);
    this.tally.payloads++;
    this.tally.packetsReceived += got.packetsReceived;
    this.tally.packetsLost += got.packetsLost;
    this.o.onChange?.(this.tally);
    this.o.enqueue(encode(latent));
  }

  private unavailable(mode: WebRtcMode, reason: string): void {
    this.set({ state: 'unavailable', mode, reason });
    const notice: WebRtcUnavailableNotice = { reason };
    this.o.socket.emit(WEBRTC_UNAVAILABLE_EVENT, notice);
  }

  private set(s: Pick<PageDeliveryTally, 'state' | 'mode' | 'reason'>): void {
    Object.assign(this.tally, s);
    if (s.state !== 'opening') for (const wake of this.openWaiters.splice(0)) wake();
    this.o.onChange?.(this.tally);
  }
}
