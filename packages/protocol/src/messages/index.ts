/**
 * The message registry: every message type of the system, its wire schema, and the binary
 * checks zod does not do. Adding a message = a schema in one of these files + one row in
 * `MESSAGE_SPECS` + a row in the round-trip test table (README: "Adding a message").
 */
import type { z } from 'zod';
import type { TensorSite } from '../tensor';
import {
  type ByeMessage,
  type HeartbeatMessage,
  type HelloMessage,
  type WelcomeMessage,
  byeSchema,
  heartbeatSchema,
  helloSchema,
  welcomeSchema,
} from './node';
import {
  type RequestAcceptedMessage,
  type RequestMessage,
  requestAcceptedSchema,
  requestSchema,
} from './request';
import {
  type ImageMessage,
  type LatentMessage,
  type LatentWire,
  imageFromWire,
  imageSchema,
  latentFromWire,
  latentToWire,
  latentWireSchema,
} from './payload';
import { type RecordMessage, recordSchema } from './record';
import {
  type TrialAssignMessage,
  type TrialEndMessage,
  type TrialProgressMessage,
  type TrialReleaseMessage,
  type TrialStartMessage,
  trialAssignSchema,
  trialEndSchema,
  trialProgressSchema,
  trialReleaseSchema,
  trialStartSchema,
} from './trial';
import { type ErrorMessage, errorSchema } from './error';

export type Message =
  | HelloMessage
  | WelcomeMessage
  | HeartbeatMessage
  | ByeMessage
  | RequestMessage
  | RequestAcceptedMessage
  | LatentMessage
  | ImageMessage
  | RecordMessage
  | TrialStartMessage
  | TrialProgressMessage
  | TrialEndMessage
  | TrialAssignMessage
  | TrialReleaseMessage
  | ErrorMessage;

export type MessageType = Message['type'];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;
/** A message without its envelope (`v`, `type`), what `makeMessage` takes. */
export type MessageBody<T extends MessageType> = Omit<MessageOf<T>, 'v' | 'type'>;

export interface MessageSpec {
  /** Validates the wire form (binary fields as Uint8Array). */
  schema: z.ZodType;
  /** In-memory → wire form before validation (typed tensor → bytes view). */
  toWire?: (msg: never, site: TensorSite) => unknown;
  /** After validation: binary checks, wire → in-memory form. */
  fromWire?: (wire: never, site: TensorSite, copy: boolean) => Message;
}

export const MESSAGE_SPECS: { readonly [T in MessageType]: MessageSpec } = {
  hello: { schema: helloSchema },
  welcome: { schema: welcomeSchema },
  heartbeat: { schema: heartbeatSchema },
  bye: { schema: byeSchema },
  request: { schema: requestSchema },
  'request.accepted': { schema: requestAcceptedSchema },
  latent: {
    schema: latentWireSchema,
    toWire: (m: LatentMessage, site) => latentToWire(m, site),
    fromWire: (m: LatentWire, site, copy) => latentFromWire(m, site, copy),
  },
  image: {
    schema: imageSchema,
    fromWire: (m: ImageMessage, site, copy) => imageFromWire(m, site, copy),
  },
  record: { schema: recordSchema },
  'trial.start': { schema: trialStartSchema },
  'trial.progress': { schema: trialProgressSchema },
  'trial.end': { schema: trialEndSchema },
  'trial.assign': { schema: trialAssignSchema },
  'trial.release': { schema: trialReleaseSchema },
  error: { schema: errorSchema },
};

export const MESSAGE_TYPES = Object.keys(MESSAGE_SPECS) as MessageType[];

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MESSAGE_SPECS, value);
}

export * from './common';
export * from './node';
export * from './request';
export * from './payload';
export * from './record';
export * from './trial';
export * from './error';
