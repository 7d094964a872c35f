/**
 * How a headless receiver's records reach the coordinator: published to JetStream, so the
 * server stores each one (the coordinator's records stream) and answers with an ack. A
 * record stored while the coordinator is down or restarting is still there when it comes
 * back. Each record carries the message id `trial/request/attempt/receiver`, so a re-send
 * (a lost ack, a retry below) is dropped by the server as a duplicate.
 *
 * The receiver id is part of the id so that a record claiming another receiver (refused by
 * the coordinator as not due) cannot take the id of the genuine record and have the server
 * drop that one.
 *
 * Without the stream (a server with JetStream off) a coordinator listening on the subject
 * answers that it took the record without storing it; with nobody listening the server
 * answers "no responders" and the record goes as a plain message. Either way a warning,
 * once. A publish that times out (the server unreachable, or only an observer listening) is
 * retried with backoff for a bounded time, then logged as lost.
 *
 * Permissions: publishing to JetStream is a request on the record subject with a reply
 * inbox, so the receiver role needs publish on RECORD_SUBJECT and subscribe on `_INBOX.>`,
 * and nothing of `$JS.API` (node-kit's nats-auth.ts).
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { decode, describeError, RECORD_SUBJECT, recordMsgId, RECORDS_STREAM } from '@semaigc/protocol';
import type { Logger } from './logger';

export const DEFAULT_RECORD_PUBLISH = Object.freeze({
  /** How long one publish waits for the server's ack. */
  ackTimeoutMs: 5_000,
  /** Waits between tries; the record is given up after the last (about 30 s with the acks). */
  backoffMs: [250, 500, 1_000, 2_000, 4_000, 8_000] as readonly number[],
  /** How long close() waits for records still being stored. */
  closeTimeoutMs: 10_000,
});

/** The record's JetStream message id (protocol's `recordMsgId`), re-exported for the receivers. */
export { recordMsgId };

export class RecordPublisher {
  private readonly js: JetStreamClient;
  private readonly pending = new Set<Promise<void>>();
  private warnedPlain = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly log: Logger,
    private readonly opts: typeof DEFAULT_RECORD_PUBLISH = DEFAULT_RECORD_PUBLISH,
  ) {
    this.js = jetstream(nc, { timeout: opts.ackTimeoutMs });
  }

  /** Stores the encoded record (in the background; failures are logged). */
  publish(bytes: Uint8Array): void {
    const p = this.store(bytes).catch((err: unknown) =>
      this.log.error({ reason: describeError(err) }, 'record could not be published'),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async store(bytes: Uint8Array): Promise<void> {
    const msg = decode(bytes);
    if (msg.type !== 'record') throw new TypeError(`RecordPublisher.publish: a record, got '${msg.type}'`);
    const msgID = recordMsgId(msg);
    const ctx = { trialId: msg.trialId, requestId: msg.requestId, attempt: msg.attempt };
    const waits = this.opts.backoffMs;
    for (let i = 0; ; i++) {
      try {
        const ack = await this.js.publish(RECORD_SUBJECT, bytes, { msgID });
        if (ack.stream !== RECORDS_STREAM)
          this.warnNotStored(`the coordinator took it without storing it (${ack.stream})`);
        else if (ack.duplicate)
          this.log.debug(ctx, 'record was stored already (duplicate dropped by the server)');
        return;
      } catch (err) {
        if ((err as Error).name === 'JetStreamNotEnabled') {
          this.publishPlain(bytes);
          return;
        }
        if (this.nc.isClosed() || i >= waits.length) {
          this.log.error(
            { ...ctx, tries: i + 1, reason: describeError(err) },
            'record could not be stored in JetStream: lost',
          );
          return;
        }
        this.log.warn(
          { ...ctx, try: i + 1, reason: describeError(err), retryInMs: waits[i] },
          'record not stored yet; retrying',
        );
        await new Promise((r) => setTimeout(r, waits[i]));
      }
    }
  }

  private publishPlain(bytes: Uint8Array): void {
    this.warnNotStored('nobody answered on the record subject');
    this.nc.publish(RECORD_SUBJECT, bytes);
  }

  private warnNotStored(why: string): void {
    if (this.warnedPlain) return;
    this.warnedPlain = true;
    this.log.warn(
      { why },
      'no JetStream stream takes records on this NATS server: a record sent while the coordinator is down is lost',
    );
  }

  /** Waits (bounded) for the records still being stored. */
  async flush(timeoutMs = this.opts.closeTimeoutMs): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.pending]),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
