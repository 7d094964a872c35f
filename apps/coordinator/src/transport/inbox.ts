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
  /** Registers the node and returns the welcome to send back. */
  hello(msg: HelloMessage, transport: NodeTransport): WelcomeMessage;
  heartbeat(msg: HeartbeatMessage, via: Via): void;
  bye(msg: ByeMessage): void;
  record(msg: RecordMessage, via: Via): void;
  preview(msg: PreviewMessage, via: Via): void;
  error(msg: ErrorMessage, via: Via, nodeId: string): void;
  /** A latent/image seen on its way to `receiverId` (NATS); `bytes` is relayed unchanged. */
  payload(receiverId: string, msg: LatentMessage | ImageMessage, bytes: Uint8Array): void;
  drop(report: DropReport): void;
}
