/**
 * The edge transmitter node. Joins NATS, says hello with its measured per-step time and
 * compute share, and serves `request` messages from its own subject and from the shared
 * queue group: it answers `request.accepted` at once, queues the job, runs text encoding
 * + a DDIM steps + the channel, and publishes the latent (or image) to the receiver.
 * Errors travel as data: a bad request or a failed job is answered with an `error`.
 */
import type { Authenticator, Msg, NatsConnection } from '@nats-io/transport-node';
import type { SplitPipeline } from '@semaigc/diffusion';
import {
  decode,
  EDGE_QUEUE_GROUP,
  EDGE_REQUEST_SUBJECT,
  edgeRequestSubject,
  encode,
  errorMessage,
  PROTOCOL_VERSION,
  receiverLatentSubject,
  toErrorMessage,
  type Capabilities,
  type ErrorCode,
  type QualityProfile,
  type RequestMessage,
} from '@semaigc/protocol';
import {
  connectNats,
  createLogger,
  loadNodePipeline,
  measureStepMs,
  newNodeId,
  natsSession,
  nodeDeviceProfile,
  type Logger,
  type NatsClientTls,
} from '@semaigc/node-kit';
import { generate } from './generate';
import { JobQueue } from './job-queue';

export interface EdgeOptions {
  natsUrl: string;
  /** Credentials for an authenticated server (node-kit's readNatsCreds); none for an open one. */
  natsAuthenticator?: Authenticator;
  /** TLS to the NATS server (node-kit's natsTlsFromFlags); none for plain TCP. */
  natsTls?: NatsClientTls;
  id?: string;
  name?: string;
  bundleDir?: string;
  /** PACR p ∈ (0, 1]: each step is stretched to measured/p (default 1). */
  computeShare?: number;
  /**
   * A device profile: each step padded to this time at full share, ms (stated/p at share p),
   * when a request states no step time of its own; announced as the node's step time.
   */
  stepTimeMs?: number;
  /** onnxruntime-node intra-op threads (default 1). */
  threads?: number;
  /** Refuse new requests (BUSY) beyond this many queued (default 64). */
  maxQueue?: number;
  /**
   * Denoising steps it holds in flight at once (queued and running), announced in its hello
   * for several-edge trials (the coordinator counts against it); default: no limit.
   */
  capacitySteps?: number;
  /** Its AaaS quality-vs-steps curve, announced; null: unknown until calibrated. */
  qualityProfile?: QualityProfile | null;
  /** Classifier-free guidance it uses instead of the request's (an edge set apart), announced. */
  guidanceScale?: number;
  logger?: Logger;
  /** Reuse a loaded pipeline (tests, several nodes in one process). */
  pipeline?: SplitPipeline;
}

export interface EdgeHandle {
  id: string;
  stepMs: number;
  nc: NatsConnection;
  /** Resolves with the error if the NATS connection gives up (it reconnects through outages). */
  gaveUp: Promise<Error>;
  /** Requests served (latent or image published). */
  readonly served: number;
  close(): Promise<void>;
}

export const DEFAULT_EDGE_MAX_QUEUE = 64;

interface Job {
  req: RequestMessage;
  receivedAt: number;
}

export async function startEdge(opts: EdgeOptions): Promise<EdgeHandle> {
  const computeShare = opts.computeShare ?? 1;
  if (!(computeShare > 0 && computeShare <= 1))
    throw new TypeError(`computeShare must be in (0, 1], got ${computeShare}`);
  const statedStepMs = opts.stepTimeMs ?? null;
  if (statedStepMs !== null && !(statedStepMs > 0 && Number.isFinite(statedStepMs)))
    throw new TypeError(`stepTimeMs must be a positive number of ms, got ${statedStepMs}`);
  const id = opts.id ?? newNodeId('edge');
  const log = (opts.logger ?? createLogger('edge')).child({ node: id });
  const pipeline =
    opts.pipeline ?? (await loadNodePipeline({ bundleDir: opts.bundleDir, threads: opts.threads }));
  const stepMs = await measureStepMs(pipeline);
  const link = await connectNats({
    servers: opts.natsUrl,
    name: id,
    authenticator: opts.natsAuthenticator,
    tls: opts.natsTls,
    logger: log,
  });
  const nc = link.nc;
  const maxQueue = opts.maxQueue ?? DEFAULT_EDGE_MAX_QUEUE;
  let served = 0;
  // Tasks the coordinator failed with EDGE_CRASH (this edge was overloaded under crash
  // semantics), as requestId#attempt: dropped from the queue, or not sent when running.
  const crashed = new Set<string>();
  const crashKey = (requestId: string, attempt: number): string => `${requestId}#${attempt}`;

  const announcedStepMs = (): number => Math.max(stepMs, statedStepMs ?? 0) / computeShare;
  const capabilities = (): Capabilities => ({
    runtime: { kind: 'node', version: process.version },
    backend: 'cpu',
    // The announced step time is what the edge will take: measured (or stated, if longer), stretched by 1/p.
    stepMs: announcedStepMs(),
    computeShare,
    profile: nodeDeviceProfile('cpu'),
    maxConcurrent: 1,
    bundleId: pipeline.bundle.manifest.name,
    ...(opts.capacitySteps === undefined ? {} : { capacitySteps: opts.capacitySteps }),
    ...(opts.qualityProfile === undefined ? {} : { qualityProfile: opts.qualityProfile }),
    ...(opts.guidanceScale === undefined ? {} : { guidanceScale: opts.guidanceScale }),
  });

  const session = natsSession({
    nc,
    nodeId: id,
    role: 'edge',
    name: opts.name ?? `edge ${id}`,
    capabilities,
    load: () => ({ inFlight: queue.busy ? 1 : 0, queued: queue.waiting, stepMs: announcedStepMs() }),
    onMessage: (msg) => {
      if (msg.type === 'error' && msg.code === 'EDGE_CRASH' && msg.requestId !== undefined) {
        crashed.add(crashKey(msg.requestId, msg.attempt ?? 0));
        log.warn({ requestId: msg.requestId, reason: msg.reason }, 'task dropped: this edge crashed');
      }
    },
    logger: log,
  });

  const fail = (req: RequestMessage, code: ErrorCode, reason: string): void => {
    nc.publish(
      req.replyTo,
      encode(
        errorMessage(code, reason, {
          requestId: req.requestId,
          trialId: req.trialId,
          nodeId: id,
          attempt: req.attempt,
        }),
      ),
    );
  };

  const queue = new JobQueue<Job>(async ({ req: asked, receivedAt }) => {
    if (crashed.delete(crashKey(asked.requestId, asked.attempt))) return;
    const req = opts.guidanceScale === undefined ? asked : { ...asked, guidanceScale: opts.guidanceScale };
    // Work the coordinator stopped waiting for (a long outage, a frozen edge) is dropped.
    if (session.now() > req.deadline) {
      fail(req, 'DEADLINE_EXCEEDED', `edge ${id}: deadline passed while queued, not run`);
      return;
    }
    try {
      const payload = await generate(
        { pipeline, edgeId: id, computeShare, stepTimeMs: statedStepMs, now: () => session.now() },
        req,
        receivedAt,
      );
      // A job that outlived its deadline (the edge was frozen or cut off mid-job) sends
      // nothing: the coordinator failed that attempt already.
      const late = session.now() - req.deadline;
      if (late > 0) {
        fail(
          req,
          'DEADLINE_EXCEEDED',
          `edge ${id}: finished ${Math.round(late)} ms after the deadline, not sent`,
        );
        return;
      }
      if (crashed.delete(crashKey(req.requestId, req.attempt))) return;
      nc.publish(receiverLatentSubject(req.receiverId), encode(payload));
      served++;
    } catch (err) {
      log.error({ requestId: req.requestId, err: String(err) }, 'request failed');
      const m = toErrorMessage(err, { requestId: req.requestId, trialId: req.trialId, nodeId: id });
      fail(req, m.code === 'INTERNAL' ? 'MODEL_ERROR' : m.code, m.reason);
    }
  });

  const onRequest = (m: Msg): void => {
    const receivedAt = session.now();
    let req: RequestMessage;
    try {
      const msg = decode(m.data);
      if (msg.type !== 'request') throw new TypeError(`expected a request, got '${msg.type}'`);
      req = msg;
    } catch (err) {
      log.warn({ subject: m.subject, err: String(err) }, 'dropped a malformed request');
      if (m.reply) m.respond(encode(toErrorMessage(err, { nodeId: id })));
      return;
    }
    if (req.edgeSteps === 0) {
      m.respond(
        encode(
          errorMessage('BAD_MESSAGE', 'edgeSteps = 0 is Local AIGC: send it to the receiver', {
            requestId: req.requestId,
            nodeId: id,
          }),
        ),
      );
      return;
    }
    if (receivedAt > req.deadline) {
      // Delivered after an outage: the coordinator no longer waits for it.
      m.respond(
        encode(
          errorMessage(
            'DEADLINE_EXCEEDED',
            `edge ${id}: request arrived ${receivedAt - req.deadline} ms after its deadline, not run`,
            { requestId: req.requestId, trialId: req.trialId, nodeId: id, attempt: req.attempt },
          ),
        ),
      );
      return;
    }
    if (queue.depth >= maxQueue) {
      m.respond(
        encode(
          errorMessage('BUSY', `edge ${id} has ${queue.depth} requests queued`, {
            requestId: req.requestId,
            nodeId: id,
          }),
        ),
      );
      return;
    }
    if (m.reply) {
      m.respond(
        encode({
          v: PROTOCOL_VERSION,
          type: 'request.accepted',
          requestId: req.requestId,
          trialId: req.trialId,
          edgeId: id,
          queueDepth: queue.depth,
          acceptedAt: receivedAt,
        }),
      );
    }
    queue.push({ req, receivedAt });
  };

  const subs = [
    nc.subscribe(edgeRequestSubject(id), {
      callback: (err, m) => {
        if (!err) onRequest(m);
      },
    }),
    nc.subscribe(EDGE_REQUEST_SUBJECT, {
      queue: EDGE_QUEUE_GROUP,
      callback: (err, m) => {
        if (!err) onRequest(m);
      },
    }),
  ];
  session.start();
  log.info({ stepMs, computeShare }, 'edge ready');

  return {
    id,
    stepMs,
    nc,
    gaveUp: link.gaveUp,
    get served() {
      return served;
    },
    async close(): Promise<void> {
      for (const s of subs) s.unsubscribe();
      await session.close();
      await nc.drain().catch(() => undefined);
      if (!opts.pipeline) await pipeline.release();
    },
  };
}
