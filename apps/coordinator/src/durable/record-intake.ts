/**
 * Records from the JetStream stream into the coordinator: the store's durable pull consumer
 * hands each stored record to the inbox (the same acceptance rules as any record). A record
 * the inbox refuses (not due, unknown, undecodable) is acked at once: nobody will want it. A
 * due record is held unacked until its request's final record is written to records.jsonl
 * (`written`), so what the consumer has acked is exactly what is on disk; the server
 * redelivers one whose ack never came (a crash) and the restart's recovery reads the stream
 * itself (recovery.ts).
 */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { decode, type Message, RECORD_SUBJECT, type RecordMessage, ValidationError } from '@semaigc/protocol';
import type { Logger } from 'pino';
import type { CoordinatorInbox } from '../transport/inbox';
import type { DurableStore } from './store';

/** How many records the consumer keeps buffered ahead of the inbox. */
const CONSUME_BATCH = 256;

const heldKey = (trialId: string, requestId: string): string => `${trialId}/${requestId}`;

export class RecordIntake {
  /** Due records waiting for their request's written record, by trial/request. */
  private readonly held = new Map<string, JsMsg[]>();
  /** Their stream sequences: a redelivery of one still held is not a new record. */
  private readonly heldSeqs = new Set<number>();
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DurableStore,
    private readonly inbox: Pick<CoordinatorInbox, 'record' | 'drop'>,
    private readonly log: Logger,
    private readonly onReceived: () => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    const consumer = await this.store.js.consumers.get(this.store.stream, this.store.consumer);
    const messages = await consumer.consume({ max_messages: CONSUME_BATCH });
    this.messages = messages;
    this.loop = (async () => {
      for await (const m of messages) this.handle(m);
    })().catch((err: unknown) => this.log.error({ err }, 'records consumer stopped'));
  }

  private handle(m: JsMsg): void {
    if (this.heldSeqs.has(m.seq)) return;
    this.onReceived();
    let msg: Message;
    try {
      msg = decode(m.data);
      if (msg.type !== 'record') {
        throw new ValidationError('type', `'${msg.type}' does not belong on ${RECORD_SUBJECT}`, {
          code: 'UNKNOWN_TYPE',
        });
      }
    } catch (err) {
      this.inbox.drop({ via: 'nats', where: RECORD_SUBJECT, nodeId: 'unknown', err });
      m.term();
      return;
    }
    let verdict: string;
    try {
      verdict = this.inbox.record(msg, 'nats');
    } catch (err) {
      this.inbox.drop({ via: 'nats', where: RECORD_SUBJECT, nodeId: msg.receiverId, err });
      m.term();
      return;
    }
    if (verdict !== 'due') {
      m.ack();
      return;
    }
    const key = heldKey(msg.trialId, msg.requestId);
    this.held.set(key, [...(this.held.get(key) ?? []), m]);
    this.heldSeqs.add(m.seq);
  }

  /** The request's final record is on disk: ack the records that led to it. */
  written(record: RecordMessage): void {
    const key = heldKey(record.trialId, record.requestId);
    for (const m of this.held.get(key) ?? []) {
      m.ack();
      this.heldSeqs.delete(m.seq);
    }
    this.held.delete(key);
  }

  /** Stops consuming; records still held are redelivered to the next consumer. */
  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
    this.messages = null;
  }
}
