/**
 * Durable trials, as the coordinator uses them: the JetStream store (store.ts), the trial
 * state journal (trial-journal.ts), the records consumer (record-intake.ts) and the restart
 * recovery (recovery.ts) behind the few calls the coordinator makes as a trial goes:
 *
 *   trialStarted   trial.start went out: the trial's meta (state running)
 *   requestSending an attempt is about to leave: its entry (awaited before the send)
 *   storeRecord    a browser receiver's record (socket.io): stored in the records stream
 *                  like a headless receiver's, so the intake takes it and a restart keeps it
 *   recordWritten  a request's final record is on disk: ack its stored records, mark it settled
 *   trialEnded     trial.end went out: the meta's final state; request entries purged
 *
 * A failed write to the journal is logged and costs durability only, never the request.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import {
  type Capabilities,
  RECORD_SUBJECT,
  type RecordMessage,
  recordMsgId,
  RECORDS_STREAM,
  type RequestMessage,
  type TrialEndMessage,
  type TrialStartMessage,
  describeError,
} from '@semaigc/protocol';
import type { Logger } from 'pino';
import type { TrialInfo } from '../api-types';
import type { CoordinatorInbox } from '../transport/inbox';
import { RecordIntake } from './record-intake';
import { listTrials, recoverTrials, skipUnreadable } from './recovery';
import { type DurableStore, lastSeq, openDurableStore } from './store';
import { type RequestEntry, TrialJournal, type TrialMeta } from './trial-journal';

export interface DurabilityOptions {
  runsDir: string;
  coordinatorId: string;
  log: Logger;
  now?: () => number;
}

/** What the coordinator knows of the running trial's requests (their first send, last attempt). */
interface Running {
  meta: Promise<TrialMeta | null>;
  requests: Map<string, RequestEntry>;
}

export class Durability {
  private readonly journal: TrialJournal;
  private intake: RecordIntake | null = null;
  private readonly running = new Map<string, Running>();
  private readonly now: () => number;
  /** Journal writes not awaited by their caller; stop() waits for them. */
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(
    readonly store: DurableStore,
    private readonly o: DurabilityOptions,
  ) {
    this.journal = new TrialJournal(store.kv);
    this.now = o.now ?? Date.now;
  }

  /** The store on `nc`'s server, or null (logged) when the server has no JetStream. */
  static async open(nc: NatsConnection, o: DurabilityOptions): Promise<Durability | null> {
    const store = await openDurableStore(nc, o.runsDir);
    if (!store) {
      o.log.warn(
        'the NATS server has no JetStream: records travel as plain NATS messages and a trial does not survive a coordinator restart (start nats-server with -js)',
      );
      return null;
    }
    o.log.info(
      { stream: store.stream, consumer: store.consumer, bucket: store.bucket },
      'durable trials on JetStream',
    );
    return new Durability(store, o);
  }

  /** Ends the trials a previous coordinator left running; returns every trial the store knows. */
  recover(): Promise<TrialInfo[]> {
    return recoverTrials({
      store: this.store,
      journal: this.journal,
      runsDir: this.o.runsDir,
      coordinatorId: this.o.coordinatorId,
      log: this.o.log,
      now: this.now,
    });
  }

  /** The trials a previous coordinator on this store left running (their state entries). */
  async leftRunning(): Promise<TrialMeta[]> {
    const metas = await this.journal.metas(skipUnreadable(this.o.log));
    return metas.filter((m) => m.state === 'running');
  }

  /** Every trial the store knows, those left running listed as running (nothing ended). */
  list(): Promise<TrialInfo[]> {
    return listTrials({ journal: this.journal, log: this.o.log });
  }

  /** Starts taking records from the stream into `inbox`. */
  async startIntake(
    inbox: Pick<CoordinatorInbox, 'record' | 'drop'>,
    onReceived?: () => void,
  ): Promise<void> {
    this.intake = new RecordIntake(this.store, inbox, this.o.log, onReceived);
    await this.intake.start();
  }

  trialStarted(start: TrialStartMessage, config: unknown, runDir: string, createdAt: number): void {
    const meta = (async (): Promise<TrialMeta | null> => {
      try {
        const m: TrialMeta = {
          trialId: start.trialId,
          name: start.name,
          policy: start.policy,
          totalSteps: start.totalSteps,
          planned: start.requests,
          receiverIds: start.receiverIds,
          runDir,
          coordinatorId: this.o.coordinatorId,
          createdAt,
          startedAt: start.startedAt,
          streamSeq: await lastSeq(this.store),
          config,
          state: 'running',
          endedAt: null,
          reason: null,
        };
        await this.journal.putMeta(m);
        return m;
      } catch (err) {
        this.failed(start.trialId, 'trial state', err);
        return null;
      }
    })();
    this.running.set(start.trialId, { meta, requests: new Map() });
  }

  /** Journals an attempt before it leaves (resolves also when the journal cannot be written). */
  async requestSending(
    request: RequestMessage,
    receiver: Capabilities,
    edge: Capabilities | null,
  ): Promise<void> {
    const t = this.running.get(request.trialId);
    if (!t || !(await t.meta)) return;
    const before = t.requests.get(request.requestId);
    const entry: RequestEntry = {
      request,
      firstAt: before?.firstAt ?? this.now(),
      receiver,
      edge,
      settled: false,
    };
    t.requests.set(request.requestId, entry);
    try {
      await this.journal.putRequest(request.trialId, entry);
    } catch (err) {
      this.failed(request.trialId, `request ${request.requestId}`, err);
    }
  }

  /**
   * Stores a record that came over socket.io in the records stream, with the message id a
   * headless receiver would use (a re-send is dropped by the server); the intake then hands
   * it to the usual acceptance rules. Resolves false (logged) when the stream did not take
   * it: the caller hands the record over directly, as without JetStream.
   */
  async storeRecord(record: RecordMessage, bytes: Uint8Array): Promise<boolean> {
    try {
      const ack = await this.store.js.publish(RECORD_SUBJECT, bytes, { msgID: recordMsgId(record) });
      if (ack.stream === RECORDS_STREAM) return true;
      throw new Error(`stored in stream ${ack.stream}, not ${RECORDS_STREAM}`);
    } catch (err) {
      this.o.log.warn(
        {
          trialId: record.trialId,
          requestId: record.requestId,
          nodeId: record.receiverId,
          reason: describeError(err),
        },
        'could not store a browser record in JetStream: taken directly (it would not survive a coordinator restart)',
      );
      return false;
    }
  }

  recordWritten(record: RecordMessage): void {
    this.intake?.written(record);
    const entry = this.running.get(record.trialId)?.requests.get(record.requestId);
    if (!entry) return;
    entry.settled = true;
    this.track(
      this.journal
        .putRequest(record.trialId, entry)
        .catch((err: unknown) => this.failed(record.trialId, `request ${record.requestId}`, err)),
    );
  }

  /** Stores the trial's final state (stop() waits for it). */
  trialEnded(end: TrialEndMessage): void {
    this.track(this.storeEnd(end));
  }

  private async storeEnd(end: TrialEndMessage): Promise<void> {
    const t = this.running.get(end.trialId);
    if (!t) return;
    this.running.delete(end.trialId);
    const meta = await t.meta;
    if (!meta) return;
    try {
      await this.journal.putMeta({ ...meta, state: end.status, endedAt: end.endedAt, reason: end.reason });
      await this.journal.purgeRequests(end.trialId);
    } catch (err) {
      this.failed(end.trialId, 'trial state', err);
    }
  }

  /** Waits for the journal writes in flight, then stops taking records. */
  async stop(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.intake?.stop();
    this.intake = null;
  }

  private track(p: Promise<unknown>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private failed(trialId: string, what: string, err: unknown): void {
    this.o.log.warn(
      { trialId, reason: describeError(err) },
      `could not store ${what} in JetStream: this trial would not survive a coordinator restart`,
    );
  }
}
