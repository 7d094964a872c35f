/**
 * The coordinator's NATS side: subscribes to the node lifecycle subjects, records,
 * previews, errors and every receiver's latent subject (to relay payloads to browsers and
 * to know a request's payload left the edge), decodes each message and hands it to the
 * inbox. A message that fails to decode, has another protocol version or the wrong type
 * for its subject is dropped and reported with the sender's id; a hello with a reply
 * inbox is answered with the wire error, so the node learns why it was refused.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  BYE_WILDCARD,
  decode,
  ERROR_SUBJECT,
  encode,
  HEARTBEAT_WILDCARD,
  HELLO_WILDCARD,
  idFromSubject,
  type Message,
  type MessageType,
  peekSenderId,
  PLAIN_RECORD_ACK_STREAM,
  PREVIEW_SUBJECT,
  ProtocolError,
  RECEIVER_LATENT_WILDCARD,
  RECORD_SUBJECT,
  toErrorMessage,
  ValidationError,
} from '@semaigc/protocol';
import type { CoordinatorInbox } from './inbox';

type Handler = (msg: Message, raw: Msg) => void;

/** A JetStream publish ack (JSON) that says the record was taken without being stored. */
const PLAIN_RECORD_ACK = new TextEncoder().encode(
  JSON.stringify({ stream: PLAIN_RECORD_ACK_STREAM, seq: 0, duplicate: false }),
);

function expectType(msg: Message, types: readonly MessageType[], where: string): void {
  if (!types.includes(msg.type)) {
    throw new ValidationError(
      'type',
      `'${msg.type}' does not belong on ${where} (expected ${types.join(' or ')})`,
      {
        code: 'UNKNOWN_TYPE',
      },
    );
  }
}

/** Throws UNAUTHORIZED unless `nodeId` is the id in the lifecycle subject it came on. */
function sameNode(nodeId: string, subject: string): void {
  const from = idFromSubject(subject, 'node');
  if (from !== nodeId)
    throw new ValidationError(
      'nodeId',
      `'${nodeId}' sent on ${subject}, the subject of node '${from ?? '?'}': a node speaks only for itself`,
      { code: 'UNAUTHORIZED' },
    );
}

export class NatsBridge {
  private readonly subs: Subscription[] = [];

  /**
   * `records: false` when records come from the JetStream stream instead (durable/): the
   * stream stores what is published on RECORD_SUBJECT, so a plain subscription as well
   * would see every record twice.
   */
  constructor(
    private readonly nc: NatsConnection,
    private readonly inbox: CoordinatorInbox,
    private readonly onReceived: () => void = () => undefined,
    private readonly opts: { records: boolean } = { records: true },
  ) {}

  start(): void {
    // Lifecycle subjects carry the sender's id (its credentials allow only its own): a
    // message whose payload names another node is refused, so nobody says bye for another.
    this.on(HELLO_WILDCARD, ['hello'], (msg, raw) => {
      if (msg.type !== 'hello') return;
      sameNode(msg.nodeId, raw.subject);
      const welcome = this.inbox.hello(msg, { kind: 'nats' });
      if (raw.reply) raw.respond(encode(welcome));
    });
    this.on(HEARTBEAT_WILDCARD, ['heartbeat'], (msg, raw) => {
      if (msg.type !== 'heartbeat') return;
      sameNode(msg.nodeId, raw.subject);
      this.inbox.heartbeat(msg, 'nats');
    });
    this.on(BYE_WILDCARD, ['bye'], (msg, raw) => {
      if (msg.type !== 'bye') return;
      sameNode(msg.nodeId, raw.subject);
      this.inbox.bye(msg);
    });
    if (this.opts.records) {
      this.on(RECORD_SUBJECT, ['record'], (msg, raw) => {
        if (msg.type === 'record') this.inbox.record(msg, 'nats');
        // A receiver publishing to JetStream waits for an ack: with no stream on this server
        // the coordinator answers that it took the record (not stored), so it is not re-sent.
        if (raw.reply) raw.respond(PLAIN_RECORD_ACK);
      });
    }
    // `image` is accepted too: the contract's first draft sent previews as image messages.
    this.on(PREVIEW_SUBJECT, ['preview', 'image'], (msg) => {
      if (msg.type === 'preview') this.inbox.preview(msg, 'nats');
      else if (msg.type === 'image') {
        const r = msg.request;
        this.inbox.preview(
          {
            v: msg.v,
            type: 'preview',
            trialId: r.trialId,
            requestId: msg.requestId,
            receiverId: r.receiverId,
            edgeId: msg.edgeId,
            prompt: r.prompt,
            totalSteps: r.totalSteps,
            edgeSteps: r.edgeSteps,
            snrDbSet: msg.channel.snrDbSet,
            image: msg.image,
            createdAt: msg.timings.sentAt,
          },
          'nats',
        );
      }
    });
    this.on(ERROR_SUBJECT, ['error'], (msg, raw) => {
      if (msg.type === 'error')
        this.inbox.error(msg, 'nats', msg.nodeId ?? peekSenderId(raw.data) ?? 'unknown');
    });
    this.on(RECEIVER_LATENT_WILDCARD, ['latent', 'image'], (msg, raw) => {
      const receiverId = idFromSubject(raw.subject, 'receiver');
      if (receiverId && (msg.type === 'latent' || msg.type === 'image'))
        this.inbox.payload(receiverId, msg, raw.data);
    });
  }

  private on(subject: string, types: readonly MessageType[], handle: Handler): void {
    const sub = this.nc.subscribe(subject, {
      callback: (err, raw) => {
        if (err) return; // subscription closed or permission error: nothing to decode
        this.onReceived();
        let msg: Message;
        try {
          // Payloads are relayed as received; decoding a view (no copy) is enough to check them.
          msg = decode(raw.data, { copy: subject !== RECEIVER_LATENT_WILDCARD });
          expectType(msg, types, subject);
        } catch (e) {
          const nodeId =
            idFromSubject(raw.subject, 'receiver') ??
            idFromSubject(raw.subject, 'node') ??
            peekSenderId(raw.data) ??
            'unknown';
          this.inbox.drop({ via: 'nats', where: raw.subject, nodeId, err: e });
          if (raw.reply && subject === HELLO_WILDCARD) {
            raw.respond(encode(toErrorMessage(e, nodeId === 'unknown' ? {} : { nodeId })));
          }
          return;
        }
        try {
          handle(msg, raw);
        } catch (e) {
          // A refused message (a node speaking for another) or a handler bug: reported like
          // a drop, and the subscription goes on. The subject's id is who sent it.
          this.inbox.drop({
            via: 'nats',
            where: raw.subject,
            nodeId: idFromSubject(raw.subject, 'node') ?? peekSenderId(raw.data) ?? 'unknown',
            err: e,
          });
          // A refused hello is answered, so its sender learns why.
          if (raw.reply && (subject === HELLO_WILDCARD || !(e instanceof ProtocolError)))
            raw.respond(encode(toErrorMessage(e)));
        }
      },
    });
    this.subs.push(sub);
  }

  /** Resolves once the server has every subscription (so a node's first message is not missed). */
  async ready(): Promise<void> {
    await this.nc.flush();
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs.length = 0;
  }
}
