/**
 * Test peers that speak the real protocol over real NATS: an edge that accepts requests and
 * publishes a latent, and a headless receiver that answers latents/requests with a record
 * and a preview. They do no inference — what is under test is the coordinator — but every
 * byte they send is an encoded protocol message, checked by the coordinator's decoder.
 */
import { type Authenticator, connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  type Capabilities,
  decode,
  EDGE_QUEUE_GROUP,
  EDGE_REQUEST_SUBJECT,
  edgeRequestSubject,
  encode,
  nodeLifecycleSubject,
  makeMessage,
  type Message,
  nodeControlSubject,
  PREVIEW_SUBJECT,
  RECORD_SUBJECT,
  receiverLatentSubject,
  receiverRequestSubject,
  type RequestMessage,
  type WelcomeMessage,
} from '@semaigc/protocol';
import pino, { type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  nodeId?: string;
  code?: string;
  [k: string]: unknown;
}

/** A pino logger whose JSON lines are kept for assertions. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  );
  return { logger, lines };
}

export function caps(over: Partial<Capabilities> = {}): Capabilities {
  return {
    runtime: { kind: 'node', version: process.version },
    backend: 'cpu',
    stepMs: 5,
    computeShare: 1,
    profile: {
      userAgent: null,
      platform: `${process.platform} ${process.arch}`,
      cores: 2,
      memoryGiB: 24,
      backend: 'cpu',
    },
    maxConcurrent: 1,
    bundleId: null,
    ...over,
  };
}

export async function until(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Lifecycle shared by both peers: hello (request/reply), heartbeats, bye. */
abstract class Peer {
  nc!: NatsConnection;
  welcome: WelcomeMessage | null = null;
  private beat: NodeJS.Timeout | null = null;
  private seq = 0;
  protected subs: Subscription[] = [];
  readonly received: Message[] = [];

  constructor(
    readonly nodeId: string,
    readonly role: 'edge' | 'receiver',
    readonly capabilities: Capabilities = caps(),
  ) {}

  /** `authenticator`: the role's credentials on an authenticated server (node-kit's readNatsCreds). */
  async start(natsUrl: string, authenticator?: Authenticator): Promise<this> {
    this.nc = await connect({ servers: natsUrl, ...(authenticator ? { authenticator } : {}) });
    this.subscribe();
    await this.nc.flush();
    await this.hello();
    this.startBeating();
    return this;
  }

  protected abstract subscribe(): void;

  async hello(): Promise<WelcomeMessage> {
    const hello = makeMessage('hello', {
      nodeId: this.nodeId,
      role: this.role,
      name: `test ${this.role} ${this.nodeId}`,
      capabilities: this.capabilities,
      sentAt: Date.now(),
    });
    const reply = decode(
      (await this.nc.request(nodeLifecycleSubject(this.nodeId, 'hello'), encode(hello), { timeout: 3000 }))
        .data,
    );
    if (reply.type !== 'welcome') throw new Error(`expected welcome, got ${reply.type}`);
    this.welcome = reply;
    return reply;
  }

  startBeating(): void {
    const interval = this.welcome?.heartbeatIntervalMs ?? 2000;
    this.beat = setInterval(() => {
      // A test that fails before closing its nodes leaves this timer behind; once the lab has
      // closed the connection a publish would throw from a timer and fail whichever suite the
      // jest worker runs next, so the beat stops instead.
      if (this.nc.isClosed()) return this.stopBeating();
      const hb = makeMessage('heartbeat', {
        nodeId: this.nodeId,
        role: this.role,
        seq: this.seq++,
        sentAt: Date.now(),
        inFlight: 0,
        queued: 0,
        stepMs: this.capabilities.stepMs,
      });
      this.nc.publish(nodeLifecycleSubject(this.nodeId, 'heartbeat'), encode(hb));
    }, interval);
  }

  /** Goes silent (a crashed or unplugged node): no more beats, no more answers. */
  stopBeating(): void {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
  }

  bye(reason = 'test done'): void {
    this.nc.publish(
      nodeLifecycleSubject(this.nodeId, 'bye'),
      encode(makeMessage('bye', { nodeId: this.nodeId, role: this.role, reason, sentAt: Date.now() })),
    );
  }

  async close(): Promise<void> {
    this.stopBeating();
    for (const s of this.subs) s.unsubscribe();
    await this.nc.drain().catch(() => undefined);
  }
}

export interface EdgeBehaviour {
  /** Accept but never send the payload (a node that dies after accepting). */
  swallow?: boolean;
  /** Answer with this wire error instead of accepting. */
  refuse?: 'BUSY' | 'MODEL_ERROR';
  /** ms between accepting and publishing the latent. */
  delayMs?: number;
}

export class TestEdge extends Peer {
  readonly requests: RequestMessage[] = [];

  constructor(
    nodeId: string,
    public behaviour: EdgeBehaviour = {},
    capabilities = caps(),
  ) {
    super(nodeId, 'edge', capabilities);
  }

  protected subscribe(): void {
    const handle = (data: Uint8Array, respond: (b: Uint8Array) => boolean): void => {
      const req = decode(data);
      if (req.type !== 'request') return;
      this.requests.push(req);
      if (this.behaviour.refuse) {
        respond(
          encode(
            makeMessage('error', {
              code: this.behaviour.refuse,
              reason: 'test edge refuses',
              requestId: req.requestId,
              nodeId: this.nodeId,
            }),
          ),
        );
        return;
      }
      respond(
        encode(
          makeMessage('request.accepted', {
            requestId: req.requestId,
            trialId: req.trialId,
            edgeId: this.nodeId,
            queueDepth: 0,
            acceptedAt: Date.now(),
          }),
        ),
      );
      if (this.behaviour.swallow) return;
      setTimeout(() => this.sendPayload(req), this.behaviour.delayMs ?? 5);
    };
    // Control messages (EDGE_CRASH: the coordinator crashed this edge; drop that task).
    this.subs.push(
      this.nc.subscribe(nodeControlSubject(this.nodeId), {
        callback: (_e, m) => void this.received.push(decode(m.data)),
      }),
    );
    this.subs.push(
      this.nc.subscribe(edgeRequestSubject(this.nodeId), {
        callback: (_e, m) => handle(m.data, (b) => m.respond(b)),
      }),
    );
    this.subs.push(
      this.nc.subscribe(EDGE_REQUEST_SUBJECT, {
        queue: EDGE_QUEUE_GROUP,
        callback: (_e, m) => handle(m.data, (b) => m.respond(b)),
      }),
    );
  }

  private sendPayload(req: RequestMessage): void {
    // Closed meanwhile (the test is over), or the task was dropped by a crash, like a real edge.
    const dropped = this.received.some(
      (m) => m.type === 'error' && m.code === 'EDGE_CRASH' && m.requestId === req.requestId,
    );
    if (this.nc.isClosed() || dropped) return;
    const now = Date.now();
    const timings = {
      queueMs: 0,
      textEncodeMs: 1,
      edgeStepsMs: 2 * req.edgeSteps,
      channelMs: 0.1,
      decodeMs: 0,
      txEmulatedMs: 0,
      receivedAt: now,
      sentAt: now,
    };
    const channel = {
      mode: req.channel.mode,
      snrDbSet: req.channel.snrDb,
      snrDbMeasured: req.channel.snrDb + 0.1,
      hRe: 1,
      hIm: 0,
      noiseVariance: 10 ** (-req.channel.snrDb / 10),
      fading: 'none' as const,
      equalizer: 'zf' as const,
      bitErrorRate: null,
      txSeconds: 0,
      txEmulated: false,
    };
    const { v: _v, type: _t, ...body } = req;
    const msg =
      req.deliver === 'image'
        ? makeMessage('image', {
            requestId: req.requestId,
            edgeId: this.nodeId,
            request: body,
            image: { width: 2, height: 2, format: 'rgba8', data: new Uint8Array(16).fill(200) },
            channel,
            timings,
          })
        : makeMessage('latent', {
            requestId: req.requestId,
            edgeId: this.nodeId,
            request: body,
            stepIndex: req.edgeSteps,
            timestep: 500,
            tensor: { dtype: 'float32', shape: [4, 2, 2], data: new Float32Array(16).fill(0.5) },
            channel,
            timings,
          });
    this.nc.publish(receiverLatentSubject(req.receiverId), encode(msg));
  }
}

export interface ReceiverBehaviour {
  /** Consistency the receiver reports, per attempt (last value repeats). */
  consistency?: number[];
  /** Never answer (a receiver that hangs). */
  silent?: boolean;
  /**
   * On its first payload: drop it, say bye and stop beating (a phone losing Wi-Fi); say hello
   * again with the same id after `backAfterMs` (null: never comes back).
   */
  dropFirst?: { backAfterMs: number | null };
  /** Send each preview this long after its record (a slow phone), and this many times. */
  preview?: { delayMs: number; copies: number };
}

/** Builds a record the way a receiver does, from the request it served. */
/** A request as the coordinator sends it (trial t1, a = 10 of 20, 5 dB), for record tests. */
export function sampleRequest(
  over: Partial<Omit<RequestMessage, 'v' | 'type'>> = {},
): Omit<RequestMessage, 'v' | 'type'> {
  return {
    trialId: 't1',
    requestId: 't1-r0',
    prompt: 'a small red circle on the left on a blue background',
    seed: 1,
    totalSteps: 20,
    edgeSteps: 10,
    guidanceScale: 7.5,
    channel: {
      mode: 'analog',
      snrDb: 5,
      normalize: true,
      fading: { kind: 'none' },
      equalizer: 'zf',
      csi: { kind: 'perfect' },
      link: { bandwidthHz: 1e6, emulate: false },
    },
    policy: 'fixed',
    checkpointId: null,
    latency: { minS: 1, maxS: 5, failureS: 60 },
    deadline: 2e12,
    receiverId: 'rx-1',
    replyTo: 'semaigc.v1.error',
    receiverVariant: 'remap',
    edgeId: 'edge-1',
    deliver: 'latent',
    createdAt: 1e12,
    attempt: 0,
    computeReference: false,
    ...over,
  };
}

export function recordFor(
  req: Omit<RequestMessage, 'v' | 'type'>,
  receiverId: string,
  receiverCaps: Capabilities,
  edgeId: string | null,
  consistency: number,
) {
  const now = Date.now();
  return makeMessage('record', {
    trialId: req.trialId,
    requestId: req.requestId,
    receiverId,
    edgeId,
    prompt: req.prompt,
    seed: req.seed,
    totalSteps: req.totalSteps,
    edgeSteps: req.edgeSteps,
    deliver: req.deliver,
    policy: req.policy,
    receiverVariant: req.receiverVariant,
    channelMode: req.channel.mode,
    snrDbSet: req.channel.snrDb,
    snrDbMeasured: edgeId ? req.channel.snrDb + 0.1 : null,
    noiseVariance: edgeId ? 10 ** (-req.channel.snrDb / 10) : 0,
    hRe: 1,
    hIm: 0,
    timings: {
      queueMs: 0,
      textEncodeMs: 1,
      edgeStepsMs: 2 * req.edgeSteps,
      txEmulatedMs: 0,
      transportMs: 1,
      receiverStepsMs: 3 * (req.totalSteps - req.edgeSteps),
      decodeMs: 2,
      endToEndMs: 10,
    },
    payloadBytes: edgeId ? 300 : 0,
    quality: { psnr: null, ssim: null, consistency },
    latency: req.latency,
    satisfaction: 1,
    failed: false,
    failure: null,
    retries: req.attempt,
    attempt: req.attempt,
    receiver: receiverCaps,
    edge: null,
    startedAt: req.createdAt,
    completedAt: Math.max(now, req.createdAt),
  });
}

export class TestReceiver extends Peer {
  /** Requests it was sent directly (a = 0). */
  readonly localRequests: RequestMessage[] = [];
  readonly payloads: string[] = [];
  private answered = 0;

  constructor(
    nodeId: string,
    public behaviour: ReceiverBehaviour = {},
    capabilities = caps({ stepMs: 8 }),
  ) {
    super(nodeId, 'receiver', capabilities);
  }

  protected subscribe(): void {
    this.subs.push(
      this.nc.subscribe(receiverLatentSubject(this.nodeId), {
        callback: (_e, m) => {
          const msg = decode(m.data);
          if (msg.type !== 'latent' && msg.type !== 'image') return;
          this.payloads.push(msg.requestId);
          if (this.behaviour.dropFirst && this.payloads.length === 1) {
            this.dropConnection(this.behaviour.dropFirst.backAfterMs);
            return;
          }
          this.answer({ ...msg.request, v: 1, type: 'request' }, msg.edgeId);
        },
      }),
    );
    this.subs.push(
      this.nc.subscribe(receiverRequestSubject(this.nodeId), {
        callback: (_e, m) => {
          const msg = decode(m.data);
          if (msg.type !== 'request') return;
          this.localRequests.push(msg);
          this.answer(msg, null);
        },
      }),
    );
    this.subs.push(
      this.nc.subscribe(nodeControlSubject(this.nodeId), {
        callback: (_e, m) => void this.received.push(decode(m.data)),
      }),
    );
  }

  private dropConnection(backAfterMs: number | null): void {
    this.stopBeating();
    this.bye('connection lost');
    if (backAfterMs === null) return;
    setTimeout(() => {
      void this.hello().then(() => this.startBeating());
    }, backAfterMs);
  }

  private answer(req: RequestMessage, edgeId: string | null): void {
    if (this.behaviour.silent) return;
    const list = this.behaviour.consistency ?? [0.9];
    const consistency = list[Math.min(this.answered, list.length - 1)]!;
    this.answered += 1;
    const { v: _v, type: _t, ...body } = req;
    this.nc.publish(
      RECORD_SUBJECT,
      encode(recordFor(body, this.nodeId, this.capabilities, edgeId, consistency)),
    );
    const preview = makeMessage('preview', {
      trialId: req.trialId,
      requestId: req.requestId,
      receiverId: this.nodeId,
      edgeId,
      prompt: req.prompt,
      totalSteps: req.totalSteps,
      edgeSteps: req.edgeSteps,
      snrDbSet: req.channel.snrDb,
      image: { width: 2, height: 2, format: 'rgba8', data: new Uint8Array(16).fill(128) },
      createdAt: Date.now(),
    });
    const { delayMs, copies } = this.behaviour.preview ?? { delayMs: 0, copies: 1 };
    const send = (): void => {
      for (let i = 0; i < copies; i++) this.nc.publish(PREVIEW_SUBJECT, encode(preview));
    };
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  }
}
