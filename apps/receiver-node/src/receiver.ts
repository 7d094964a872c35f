/**
 * Headless receivers: the same receiver core as the browser page, on onnxruntime-node,
 * reached over NATS. `count` receivers share one loaded pipeline in one process, for load
 * trials. Each receiver says hello, listens on its latent and request subjects, finishes
 * each job and publishes the record (and, for the dashboard, a preview of the image).
 * Malformed payloads are dropped and logged; a job that fails produces a failed record.
 */
import type { Authenticator, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { SplitPipeline } from '@semaigc/diffusion';
import { receiverLatentSubject, receiverRequestSubject, type Capabilities } from '@semaigc/protocol';
import {
  connectNats,
  createLogger,
  loadNodePipeline,
  measureStepMs,
  natsSession,
  newNodeId,
  nodeDeviceProfile,
  processCpuMs,
  type Logger,
  type NatsClientTls,
} from '@semaigc/node-kit';
import { JobRunner, ReceiverCore, type JobOutcome } from '@semaigc/receiver';
import type { NodeSession } from '@semaigc/session';

export interface ReceiversOptions {
  natsUrl: string;
  /** Credentials for an authenticated server (node-kit's readNatsCreds); none for an open one. */
  natsAuthenticator?: Authenticator;
  /** TLS to the NATS server (node-kit's natsTlsFromFlags); none for plain TCP. */
  natsTls?: NatsClientTls;
  /** Receivers in this process (default 1). */
  count?: number;
  /** Ids are `<idPrefix>-<n>` (default a random `rx-xxxx`). */
  idPrefix?: string;
  bundleDir?: string;
  /** Weaker-device emulation: each receiver step stretched to measured/p (default 1). */
  computeShare?: number;
  /** A device profile: each step padded to this time at full share, ms, when a request states none; announced as the step time. */
  stepTimeMs?: number;
  threads?: number;
  logger?: Logger;
  pipeline?: SplitPipeline;
}

export interface ReceiverStats {
  id: string;
  records: number;
  failed: number;
  dropped: number;
  /** Jobs not run because their deadline had passed (DEADLINE_EXCEEDED sent instead). */
  stale: number;
}

export interface ReceiversHandle {
  ids: string[];
  stepMs: number;
  /** Resolves with the error if the NATS connection gives up (it reconnects through outages). */
  gaveUp: Promise<Error>;
  stats(): ReceiverStats[];
  close(): Promise<void>;
}

interface OneReceiver {
  stats: ReceiverStats;
  session: NodeSession;
  subs: Subscription[];
}

interface Shared {
  nc: NatsConnection;
  pipeline: SplitPipeline;
  capabilities: () => Capabilities;
  computeShare: number;
  stepMs: number;
  stepTimeMs: number | undefined;
}

function startOne(s: Shared, id: string, log: Logger): OneReceiver {
  const stats: ReceiverStats = { id, records: 0, failed: 0, dropped: 0, stale: 0 };
  const session = natsSession({
    nc: s.nc,
    nodeId: id,
    role: 'receiver',
    name: `headless receiver ${id}`,
    capabilities: s.capabilities,
    load: () => ({ inFlight: runner.inFlight, queued: runner.queued, stepMs: s.stepMs }),
    logger: log,
  });
  const core = new ReceiverCore({
    pipeline: s.pipeline,
    nodeId: id,
    capabilities: s.capabilities,
    computeShare: s.computeShare,
    // Pads count process CPU time: a step that spans a SIGSTOP is not padded again.
    cpuMs: processCpuMs,
    ...(s.stepTimeMs === undefined ? {} : { stepTimeMs: s.stepTimeMs }),
    clock: () => session.now(),
  });
  const onOutcome = (o: JobOutcome): void => {
    if (o.kind === 'done') stats.records++;
    else if (o.kind === 'failed') {
      stats.failed++;
      log.error({ requestId: o.request.requestId, err: o.reason }, 'job failed');
    } else if (o.kind === 'dropped') {
      stats.dropped++;
      log.warn({ subject: o.source, err: o.fault.reason }, 'dropped a malformed payload');
    } else if (o.kind === 'stale') {
      stats.stale++;
      log.warn({ requestId: o.request.requestId, err: o.fault.reason }, 'dropped a job past its deadline');
    }
  };
  const runner = new JobRunner({
    core,
    nodeId: id,
    clock: () => session.now(),
    send: (m) => session.send(m),
    onOutcome,
  });
  const subs = [receiverLatentSubject(id), receiverRequestSubject(id)].map((subject) =>
    s.nc.subscribe(subject, {
      callback: (err, m) => {
        if (!err) runner.enqueue(m.subject, m.data);
      },
    }),
  );
  session.start();
  return { stats, session, subs };
}

export async function startReceivers(opts: ReceiversOptions): Promise<ReceiversHandle> {
  const count = opts.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 10_000)
    throw new TypeError(`count must be an integer in [1, 10000], got ${count}`);
  const computeShare = opts.computeShare ?? 1;
  const prefix = opts.idPrefix ?? newNodeId('rx');
  const log = (opts.logger ?? createLogger('receiver')).child({ group: prefix });
  const pipeline =
    opts.pipeline ?? (await loadNodePipeline({ bundleDir: opts.bundleDir, threads: opts.threads }));
  const stepTimeMs = opts.stepTimeMs;
  if (stepTimeMs !== undefined && !(stepTimeMs > 0 && Number.isFinite(stepTimeMs)))
    throw new TypeError(`stepTimeMs must be a positive number of ms, got ${stepTimeMs}`);
  // Announced: what a step will take, measured (or stated, if longer) stretched by 1/p.
  const stepMs = Math.max(await measureStepMs(pipeline), stepTimeMs ?? 0) / computeShare;
  const link = await connectNats({
    servers: opts.natsUrl,
    name: prefix,
    authenticator: opts.natsAuthenticator,
    tls: opts.natsTls,
    logger: log,
  });
  const nc = link.nc;
  const capabilities = (): Capabilities => ({
    runtime: { kind: 'node', version: process.version },
    backend: 'cpu',
    stepMs,
    computeShare,
    profile: nodeDeviceProfile('cpu'),
    maxConcurrent: 1,
    bundleId: pipeline.bundle.manifest.name,
  });
  const shared: Shared = { nc, pipeline, capabilities, computeShare, stepMs, stepTimeMs };
  const receivers: OneReceiver[] = [];
  for (let i = 0; i < count; i++) {
    const id = count === 1 && !opts.idPrefix ? prefix : `${prefix}-${i}`;
    receivers.push(startOne(shared, id, log.child({ node: id })));
  }
  log.info({ count, stepMs, computeShare }, 'receivers ready');
  return {
    ids: receivers.map((r) => r.stats.id),
    stepMs,
    gaveUp: link.gaveUp,
    stats: () => receivers.map((r) => ({ ...r.stats })),
    async close(): Promise<void> {
      for (const r of receivers) for (const s of r.subs) s.unsubscribe();
      await Promise.all(receivers.map((r) => r.session.close()));
      await nc.drain().catch(() => undefined);
      if (!opts.pipeline) await pipeline.release();
    },
  };
}
