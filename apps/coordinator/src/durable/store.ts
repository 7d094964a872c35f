/**
 * The coordinator's JetStream objects, created (or found) at start:
 *
 *   stream  RECORDS_STREAM       every record published on RECORD_SUBJECT, for a day; a
 *                                message id trial/request/attempt/receiver drops re-sends
 *   consumer coordinator-<store> this coordinator's durable pull consumer (acked after the
 *                                record is written)
 *   bucket  semaigc-trials-<store> trial state: what ran, which requests were issued/settled
 *
 * `<store>` is a hash of the runs folder, so a coordinator restarted on the same runs folder
 * and the same nats-server finds its own trials, and two coordinators with different runs
 * folders on one server do not take each other's. The stream is one per server: NATS lets
 * only one stream capture a subject.
 *
 * A server without JetStream gives `null`: records then travel as core NATS messages (what a
 * receiver falls back to as well) and trials do not survive a restart; the caller logs that.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  jetstream,
  type JetStreamManager,
  jetstreamManager,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { RECORD_SUBJECT, RECORDS_STREAM } from '@semaigc/protocol';

const NS_PER_MS = 1_000_000;

export const DEFAULT_DURABLE = Object.freeze({
  stream: RECORDS_STREAM,
  /** Records nobody wrote within a day are dropped (a coordinator down longer has ended its trial anyway). */
  maxAgeMs: 24 * 3600 * 1000,
  /** A receiver re-sending a record within this window (a lost PubAck) is dropped by the server. */
  duplicateWindowMs: 10 * 60 * 1000,
  /**
   * A record is acked when its request's final record is written; the server redelivers one
   * not acked by then. Above any request's lifetime, so a held record is rarely redelivered.
   */
  ackWaitMs: 5 * 60 * 1000,
  maxAckPending: 10_000,
  /** JetStream API calls (KV puts on the request path included) give up after this. */
  apiTimeoutMs: 3_000,
});

export interface DurableStore {
  js: JetStreamClient;
  jsm: JetStreamManager;
  kv: KV;
  stream: string;
  consumer: string;
  bucket: string;
}

/** The 12-hex-digit id of a runs folder (its absolute path hashed). */
export function storeKey(runsDir: string): string {
  return createHash('sha256').update(path.resolve(runsDir)).digest('hex').slice(0, 12);
}

/** Whether `err` says the server has no JetStream (no responders on $JS.API, or 503). */
function jetStreamMissing(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string | number } | null;
  return (
    e?.name === 'JetStreamNotEnabled' ||
    /jetstream (is )?not enabled|no responders|503/i.test(String(e?.message ?? '')) ||
    String(e?.code ?? '') === '503'
  );
}

function notFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && /not found/i.test(err.message);
}

/** The records stream, the store's consumer and bucket; null when the server has no JetStream. */
export async function openDurableStore(nc: NatsConnection, runsDir: string): Promise<DurableStore | null> {
  const timeout = DEFAULT_DURABLE.apiTimeoutMs;
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc, { timeout });
  } catch (err) {
    if (jetStreamMissing(err)) return null;
    throw err;
  }
  const stream = DEFAULT_DURABLE.stream;
  try {
    await jsm.streams.info(stream);
  } catch (err) {
    if (!notFound(err)) throw err;
    await jsm.streams.add({
      name: stream,
      subjects: [RECORD_SUBJECT],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: DEFAULT_DURABLE.maxAgeMs * NS_PER_MS,
      duplicate_window: DEFAULT_DURABLE.duplicateWindowMs * NS_PER_MS,
    });
  }
  const key = storeKey(runsDir);
  const consumer = `coordinator-${key}`;
  try {
    await jsm.consumers.info(stream, consumer);
  } catch (err) {
    if (!notFound(err)) throw err;
    await addConsumer(jsm, stream, consumer, null);
  }
  const js = jetstream(nc, { timeout });
  const bucket = `semaigc-trials-${key}`;
  const kv = await new Kvm(js).create(bucket, { history: 1, storage: StorageType.File });
  return { js, jsm, kv, stream, consumer, bucket };
}

/**
 * The store's durable consumer: from `startSeq` on (after a recovery read the stream up to
 * startSeq − 1), or from new messages on.
 */
export async function addConsumer(
  jsm: JetStreamManager,
  stream: string,
  name: string,
  startSeq: number | null,
): Promise<void> {
  await jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    ...(startSeq === null
      ? { deliver_policy: DeliverPolicy.New }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }),
    filter_subject: RECORD_SUBJECT,
    ack_wait: DEFAULT_DURABLE.ackWaitMs * NS_PER_MS,
    max_deliver: -1,
    max_ack_pending: DEFAULT_DURABLE.maxAckPending,
  });
}

/** The stream's last sequence number (0 when empty). */
export async function lastSeq(store: DurableStore): Promise<number> {
  return (await store.jsm.streams.info(store.stream)).state.last_seq;
}
