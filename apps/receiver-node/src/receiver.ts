/**
 * Headless receivers: the same receiver core as the browser page, on onnxruntime-node,
 * reached over NATS. `count` receivers share one loaded pipeline in one process, for load
 * trials. Each receiver says hello, listens on its latent and request subjects, finishes
 * each job and publishes the record (and, for the dashboard, a preview of the image).
 * Malformed payloads are dropped and logged; a job that fails produces a failed record.
 */
import { connect, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { SplitPipeline } from '@semaigc/diffusion';
import {
  decode,
  encode,
  PREVIEW_SUBJECT,
  RECORD_SUBJECT,
  receiverLatentSubject,
  receiverRequestSubject,
  toErrorMessage,
  type Capabilities,
  type RequestBody,
} from '@semaigc/protocol';
import {
  createLogger,
  loadNodePipeline,
  measureStepMs,
  newNodeId,
  NodeLifecycle,
  nodeDeviceProfile,
  type Logger,
} from '@semaigc/node-kit';
import { previewMessage, ReceiverCore, type ReceiverJob } from '@semaigc/receiver';

export interface ReceiversOptions {
  natsUrl: string;
  /** Receivers in this process (default 1). */
  count?: number;
  /** Ids are `<idPrefix>-<n>` (default a random `rx-xxxx`). */
  idPrefix?: string;
  bundleDir?: string;
  /** Weaker-device emulation: each receiver step stretched to measured/p (default 1). */
  computeShare?: number;
  threads?: number;
  logger?: Logger;
  pipeline?: SplitPipeline;
}

export interface ReceiverStats {
  id: string;
  records: number;
  failed: number;
  dropped: number;
}

export interface ReceiversHandle {
  ids: string[];
  stepMs: number;
  stats(): ReceiverStats[];
  close(): Promise<void>;
}

interface OneReceiver {
  stats: ReceiverStats;
  life: NodeLifecycle;
  subs: Subscription[];
}

function startOne(
  nc: NatsConnection,
  id: string,
  core: ReceiverCore,
  capabilities: () => Capabilities,
  stepMs: number,
  log: Logger,
): OneReceiver {
  const stats: ReceiverStats = { id, records: 0, failed: 0, dropped: 0 };
  let busy = 0;
  const life = new NodeLifecycle({
    nc,
    nodeId: id,
    role: 'receiver',
    name: `headless receiver ${id}`,
    capabilities,
    load: () => ({ inFlight: busy, queued: 0, stepMs }),
    logger: log,
  });

  const onJob = async (m: Msg): Promise<void> => {
    const arrivedAt = life.now();
    let job: ReceiverJob;
    try {
      const msg = decode(m.data);
      if (msg.type !== 'latent' && msg.type !== 'image' && msg.type !== 'request') {
        throw new TypeError(`expected latent, image or request, got '${msg.type}'`);
      }
      job = msg;
    } catch (err) {
      stats.dropped++;
      log.warn({ subject: m.subject, err: String(err) }, 'dropped a malformed payload');
      return;
    }
    const request: RequestBody = job.type === 'request' ? job : job.request;
    const arrival = { arrivedAt, payloadBytes: job.type === 'request' ? 0 : m.data.byteLength };
    busy++;
    try {
      const { record, image } = await core.handle(job, arrival);
      nc.publish(RECORD_SUBJECT, encode(record));
      nc.publish(PREVIEW_SUBJECT, encode(previewMessage(record, image)));
      stats.records++;
    } catch (err) {
      const e = toErrorMessage(err, { requestId: request.requestId, nodeId: id });
      log.error({ requestId: request.requestId, err: e.reason }, 'job failed');
      nc.publish(
        RECORD_SUBJECT,
        encode(core.failedRecord(request, e.code === 'INTERNAL' ? 'MODEL_ERROR' : e.code, e.reason, arrival)),
      );
      stats.failed++;
    } finally {
      busy--;
    }
  };
  const subs = [receiverLatentSubject(id), receiverRequestSubject(id)].map((subject) =>
    nc.subscribe(subject, {
      callback: (err, m) => {
        if (!err) void onJob(m);
      },
    }),
  );
  life.start();
  return { stats, life, subs };
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
  const stepMs = (await measureStepMs(pipeline)) / computeShare;
  const nc = await connect({ servers: opts.natsUrl, name: prefix });
  const capabilities = (): Capabilities => ({
    runtime: { kind: 'node', version: process.version },
    backend: 'cpu',
    stepMs,
    computeShare,
    profile: nodeDeviceProfile('cpu'),
    maxConcurrent: 1,
    bundleId: pipeline.bundle.manifest.name,
  });
  const receivers: OneReceiver[] = [];
  for (let i = 0; i < count; i++) {
    const id = count === 1 && !opts.idPrefix ? prefix : `${prefix}-${i}`;
    const core = new ReceiverCore({ pipeline, nodeId: id, capabilities, computeShare });
    receivers.push(startOne(nc, id, core, capabilities, stepMs, log.child({ node: id })));
  }
  log.info({ count, stepMs, computeShare }, 'receivers ready');
  return {
    ids: receivers.map((r) => r.stats.id),
    stepMs,
    stats: () => receivers.map((r) => ({ ...r.stats })),
    async close(): Promise<void> {
      for (const r of receivers) for (const s of r.subs) s.unsubscribe();
      await Promise.all(receivers.map((r) => r.life.close()));
      await nc.drain().catch(() => undefined);
      if (!opts.pipeline) await pipeline.release();
    },
  };
}
