/**
 * The message registry: every message type of the system, its wire schema, and the binary
 * checks zod does not do. Adding a message = a schema in one of these files + one row in
 * `MESSAGE_SPECS` + a row in the round-trip test table (README: "Adding a message").
 */
import type { z } from 'zod';
import type { Tensor, TensorSite } from '../tensor';
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
  type LatentPacketsMessage,
  type LatentWire,
  imageFromWire,
  imageSchema,
  latentFromWire,
  latentPacketsSchema,
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
import { type PreviewMessage, previewFromWire, previewSchema } from './preview';

export type Message =
  | HelloMessage
  | WelcomeMessage
  | HeartbeatMessage
  | ByeMessage
  | RequestMessage
  | RequestAcceptedMessage
  | LatentMessage
  | LatentPacketsMessage
  | ImageMessage
  | RecordMessage
  | TrialStartMessage
  | TrialProgressMessage
  | TrialEndMessage
  | TrialAssignMessage
  | TrialReleaseMessage
  | ErrorMessage
  | PreviewMessage;

export type MessageType = Message['type'];
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** Each type's wire schema, with its precise zod type (for the input types below). */
const SCHEMAS = {
  hello: helloSchema,
  welcome: welcomeSchema,
  heartbeat: heartbeatSchema,
  bye: byeSchema,
  request: requestSchema,
  'request.accepted': requestAcceptedSchema,
  latent: latentWireSchema,
  'latent.packets': latentPacketsSchema,
  image: imageSchema,
  record: recordSchema,
  'trial.start': trialStartSchema,
  'trial.progress': trialProgressSchema,
  'trial.end': trialEndSchema,
  'trial.assign': trialAssignSchema,
  'trial.release': trialReleaseSchema,
  error: errorSchema,
  preview: previewSchema,
} as const satisfies { [T in MessageType]: z.ZodType };

/**
 * What a node may hand to `encode`: fields with defaults may be left out (the codec fills
 * them). A `Message` (everything filled) is always a valid `MessageInput`.
 */
export type MessageInputOf<T extends MessageType> = T extends 'latent'
  ? Omit<z.input<typeof latentWireSchema>, 'tensor'> & { tensor: Tensor }
  : z.input<(typeof SCHEMAS)[T]>;
export type MessageInput = { [T in MessageType]: MessageInputOf<T> }[MessageType];
/** A message without its envelope (`v`, `type`), what `makeMessage` takes. */
export type MessageBody<T extends MessageType> = Omit<MessageInputOf<T>, 'v' | 'type'>;

export interface MessageSpec {
  /** Validates the wire form (binary fields as Uint8Array). */
  schema: z.ZodType;
  /** In-memory → wire form before validation (typed tensor → bytes view). */
  toWire?: (msg: never, site: TensorSite) => unknown;
  /** After validation: binary checks, wire → in-memory form. */
  fromWire?: (wire: never, site: TensorSite, copy: boolean) => Message;
}

export const MESSAGE_SPECS: { readonly [T in MessageType]: MessageSpec } = {
  hello: { schema: SCHEMAS['hello'] },
  welcome: { schema: SCHEMAS['welcome'] },
  heartbeat: { schema: SCHEMAS['heartbeat'] },
  bye: { schema: SCHEMAS['bye'] },
  request: { schema: SCHEMAS['request'] },
  'request.accepted': { schema: SCHEMAS['request.accepted'] },
  latent: {
    schema: SCHEMAS.latent,
    toWire: (m: LatentMessage, site) => latentToWire(m, site),
    fromWire: (m: LatentWire, site, copy) => latentFromWire(m, site, copy),
  },
  'latent.packets': { schema: SCHEMAS['latent.packets'] },
  image: {
    schema: SCHEMAS.image,
    fromWire: (m: ImageMessage, site, copy) => imageFromWire(m, site, copy),
  },
  record: { schema: SCHEMAS['record'] },
  'trial.start': { schema: SCHEMAS['trial.start'] },
  'trial.progress': { schema: SCHEMAS['trial.progress'] },
  'trial.end': { schema: SCHEMAS['trial.end'] },
  'trial.assign': { schema: SCHEMAS['trial.assign'] },
  'trial.release': { schema: SCHEMAS['trial.release'] },
  error: { schema: SCHEMAS['error'] },
  preview: {
    schema: SCHEMAS.preview,
    fromWire: (m: PreviewMessage, site, copy) => previewFromWire(m, site, copy),
  },
};

export const MESSAGE_TYPES = Object.keys(MESSAGE_SPECS) as MessageType[];

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MESSAGE_SPECS, value);
}

export * from './common';
export * from './node';
export * from './request';
export * from './payload';
export * from './delivery';
export * from './record';
export * from './trial';
export * from './error';
export * from './preview';
export * from './step-time';
export * from './policy-inputs';
