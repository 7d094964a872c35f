/**
 * What the transports (NATS bridge, socket.io hub) hand to the coordinator: decoded,
 * validated messages, plus a report for every message they had to drop. Both transports
 * feed the same inbox, so a browser and a NATS node are handled by one code path.
 */
import type {
  ByeMessage,
  ErrorMessage,
  HeartbeatMessage,
  HelloMessage,
  ImageMessage,
  LatentMessage,
  PreviewMessage,
  RecordMessage,
  WelcomeMessage,
} from '@semaigc/protocol';
import type { NodeTransport } from '../registry/node-registry';
import type { Verdict } from '../trial/acceptance';

export type Via = 'nats' | 'socket';

export interface DropReport {
  via: Via;
  /** Subject or socket event it came on. */
  where: string;
  /** The sender: from the subject, the socket's hello, a peek into the bytes, or `unknown`. */
  nodeId: string;
  err: unknown;
}

export interface CoordinatorInbox {
  /** Registers the node and returns the welcome to send back, or the refusal (ROLE_CHANGE, NODE_ID_IN_USE). */
  hello(msg: HelloMessage, transport: NodeTransport): WelcomeMessage | ErrorMessage;
  heartbeat(msg: HeartbeatMessage, via: Via): void;
  bye(msg: ByeMessage): void;
  /**
   * `sender`: who sent it, as far as the transport knows (the socket's node over socket.io);
   * default: the receiver the message names (NATS subjects carry no sender id). Returns
   * the verdict: 'due' when it settled its request's current attempt.
   */
  record(msg: RecordMessage, via: Via, sender?: string): Verdict['kind'];
  preview(msg: PreviewMessage, via: Via, sender?: string): void;
  error(msg: ErrorMessage, via: Via, nodeId: string): void;
  /** A latent/image seen on its way to `receiverId` (NATS); `bytes` is relayed unchanged. */
  payload(receiverId: string, msg: LatentMessage | ImageMessage, bytes: Uint8Array): void;
  drop(report: DropReport): void;
}
