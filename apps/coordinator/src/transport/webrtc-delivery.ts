/**
 * WebRTC delivery for trials that ask for it (`delivery: { transport: 'webrtc', mode }`):
 *
 * - the coordinator's one SFU (@semaigc/sfu: a mediasoup worker and router), started when the
 *   first such trial starts, kept for later ones, closed with the coordinator. It listens on
 *   127.0.0.1 unless `sfu.listenIp` says otherwise (a LAN address for phones);
 * - the signalling on every page socket (`attachWebRtcSignalling`), always for the node that
 *   said hello on that socket, never an id the page names; a page that will not open a path
 *   says so (`webrtc.unavailable`) and is not waited for;
 * - per latent, the choice: through the SFU when the page's path is up (waiting a bounded
 *   time for a page that is still opening it), else the reason it goes over socket.io.
 */
import {
  type SignallingReply,
  WEBRTC_CONNECT_EVENT,
  WEBRTC_OPEN_EVENT,
  WEBRTC_UNAVAILABLE_EVENT,
} from '@semaigc/datachannel';
import {
  type LatentMessage,
  type LatentPacketsMessage,
  makeMessage,
  type WebRtcMode,
} from '@semaigc/protocol';
import { attachWebRtcSignalling, createSfu, type Sfu, type SfuOptions } from '@semaigc/sfu';
import type { Logger } from 'pino';

/** The SFU settings a coordinator takes (`listenIp` default 127.0.0.1). */
export type CoordinatorSfuOptions = Pick<
  SfuOptions,
  | 'listenIp'
  | 'announcedAddress'
  | 'rtcMinPort'
  | 'rtcMaxPort'
  | 'workerBin'
  | 'unreliableQueueMs'
  | 'packetBytes'
>;

/** How long a latent waits for a page that has not finished opening its WebRTC path. */
export const DEFAULT_WEBRTC_WAIT_MS = 5000;
/** Poll step while a page's path is not up (the SFU has no event for "a page asked"). */
const WAIT_POLL_MS = 50;

/** The part of a socket.io socket this module uses (the hub's sockets fit). */
export interface PageSocket {
  readonly id: string;
  readonly data: { nodeId: string | null };
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

export type LatentRoute =
  { kind: 'webrtc'; header: LatentPacketsMessage } | { kind: 'socket'; fallback: string };

interface PageState {
  /** The page said it will not open a path, and why. */
  unavailable: string | null;
  /** A latent already waited the full time for this page: later ones do not wait. */
  gaveUp: boolean;
}

export class WebRtcDelivery {
  private sfu: Sfu | null = null;
  private starting: Promise<Sfu> | null = null;
  private startError: string | null = null;
  private closed = false;
  /** Sockets connected before the SFU existed: attached once it starts. */
  private readonly waiting = new Map<PageSocket, Array<[string, (...a: never[]) => void]>>();
  private readonly pages = new Map<string, PageState>();

  constructor(private readonly o: { sfu?: CoordinatorSfuOptions; log: Logger; waitMs?: number }) {}

  /** Receivers with a WebRTC path open now. */
  receivers(): string[] {
    return this.sfu?.receiverIds ?? [];
  }

  /**
   * Starts the SFU once (later calls share it). Never rejects: a worker that cannot start
   * is logged, and every latent then goes over socket.io with that reason in its record.
   */
  async ensure(): Promise<void> {
    if (this.sfu || this.closed) return;
    this.starting ??= createSfu({ logLevel: 'warn', ...this.o.sfu });
    try {
      const sfu = await this.starting;
      if (this.closed) {
        sfu.close();
        return;
      }
      if (this.sfu) return;
      this.sfu = sfu;
      this.startError = null;
      this.o.log.info({ listenIp: sfu.options.listenIp }, 'SFU started (mediasoup worker and router)');
      sfu.worker.on('died', (err) => {
        this.o.log.error({ err }, 'SFU worker died: WebRTC latents go over socket.io');
        this.startError = `the SFU worker died: ${err.message}`;
        this.sfu = null;
        this.starting = null;
      });
      for (const [socket, refusals] of [...this.waiting]) {
        for (const [event, listener] of refusals) socket.off(event, listener);
        this.signal(socket, sfu);
      }
      this.waiting.clear();
    } catch (err) {
      this.starting = null;
      this.startError = `the SFU could not start: ${err instanceof Error ? err.message : String(err)}`;
      this.o.log.error({ err }, 'SFU could not start: WebRTC latents go over socket.io');
    }
  }

  /** Every page socket, at connection: its WebRTC signalling (refused until the SFU runs). */
  attach(socket: PageSocket): void {
    socket.on(WEBRTC_UNAVAILABLE_EVENT, (notice: { reason?: unknown } | undefined) => {
      const id = socket.data.nodeId;
      if (id === null) return;
      const reason = typeof notice?.reason === 'string' ? notice.reason.slice(0, 200) : 'no reason given';
      this.pages.set(id, { unavailable: reason, gaveUp: false });
      // A path it opened and gave up on (it never connected) is of no use: free it.
      this.sfu?.closeReceiver(id);
    });
    socket.on(WEBRTC_OPEN_EVENT, () => {
      // A page opening a path is waited for again, whatever it said before.
      const id = socket.data.nodeId;
      if (id !== null) this.pages.delete(id);
    });
    if (this.sfu) {
      this.signal(socket, this.sfu);
      return;
    }
    const refuse = (_req: unknown, ack: unknown): void => {
      if (typeof ack !== 'function') return;
      const reply: SignallingReply<never> = {
        ok: false,
        error: this.startError ?? 'no running trial asks for WebRTC delivery',
      };
      (ack as (r: SignallingReply<never>) => void)(reply);
    };
    const refusals: Array<[string, (...a: never[]) => void]> = [
      [WEBRTC_OPEN_EVENT, refuse],
      [WEBRTC_CONNECT_EVENT, refuse],
    ];
    for (const [event, listener] of refusals) socket.on(event, listener);
    this.waiting.set(socket, refusals);
    socket.on('disconnect', () => this.waiting.delete(socket));
  }

  private signal(socket: PageSocket, sfu: Sfu): void {
    // The receiver is the node that said hello on this socket (null before: refused).
    attachWebRtcSignalling(socket, sfu, { receiverId: () => socket.data.nodeId });
  }

  /** A new trial assignment: the page is waited for again. */
  reset(receiverId: string): void {
    this.pages.delete(receiverId);
  }

  /**
   * Sends `msg`'s latent to `receiverId` through the SFU and returns the header to send over
   * socket.io, or the reason it must go over socket.io instead.
   */
  async route(
    receiverId: string,
    msg: LatentMessage,
    payloadBytes: number,
    mode: WebRtcMode,
  ): Promise<LatentRoute> {
    const why = await this.ready(receiverId);
    if (why !== null) return { kind: 'socket', fallback: why };
    const sfu = this.sfu!;
    const link = sfu.stats(receiverId);
    if (link.mode !== mode) {
      return {
        kind: 'socket',
        fallback: `the page opened a ${link.mode} channel, the trial asks for ${mode}`,
      };
    }
    if (msg.tensor.dtype !== 'float32') {
      return { kind: 'socket', fallback: `a ${msg.tensor.dtype} latent (WebRTC carries float32)` };
    }
    const sent = sfu.sendLatent(receiverId, msg.tensor.data);
    const { tensor, type: _latent, v: _v, ...rest } = msg;
    const header = makeMessage('latent.packets', {
      ...rest,
      tensor: { dtype: 'float32', shape: tensor.shape },
      packets: {
        mode: link.mode,
        payloadId: sent.payloadId,
        firstSeq: sent.firstSeq,
        count: sent.packets,
        sentAt: sent.sentAtMs,
      },
      payloadBytes,
    }) as LatentPacketsMessage;
    return { kind: 'webrtc', header };
  }

  /**
   * null when the page's path is up; else why not. Waits a bounded time for a page that is
   * still opening (polling, so a page that gives up meanwhile is heard at once); a page that
   * made an earlier latent wait in vain is not waited for again until it opens a new path.
   */
  private async ready(receiverId: string): Promise<string | null> {
    const waitMs = this.o.waitMs ?? DEFAULT_WEBRTC_WAIT_MS;
    const until = Date.now() + waitMs;
    for (;;) {
      const sfu = this.sfu;
      if (!sfu) return this.startError ?? 'the SFU is not running';
      const page = this.pages.get(receiverId);
      if (page?.unavailable) return `the page has no WebRTC path: ${page.unavailable}`;
      const opened = sfu.hasReceiver(receiverId);
      if (opened && sfu.stats(receiverId).sctpState === 'connected') return null;
      if (page?.gaveUp || Date.now() >= until) {
        this.pages.set(receiverId, { unavailable: null, gaveUp: true });
        return opened
          ? `the page's WebRTC path did not connect within ${waitMs} ms`
          : `the page opened no WebRTC path within ${waitMs} ms`;
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }

  close(): void {
    this.closed = true;
    this.sfu?.close();
    this.sfu = null;
    this.waiting.clear();
    this.pages.clear();
  }
}
