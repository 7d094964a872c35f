/**
 * The one registry of wire error codes. Errors over the wire are data
 * (`{ type: 'error', code, reason }`), never stack traces; `retryable` tells a coordinator
 * whether sending the same request again (to the same or another node) can help.
 */

export interface ErrorCodeInfo {
  readonly description: string;
  readonly retryable: boolean;
}

export const ERROR_CODES = {
  BAD_MESSAGE: {
    description: 'the message failed validation (a field is missing or out of range)',
    retryable: false,
  },
  VERSION_MISMATCH: { description: 'the peer speaks another PROTOCOL_VERSION', retryable: false },
  UNKNOWN_TYPE: { description: 'the message type is not one this version defines', retryable: false },
  BAD_DTYPE: {
    description: 'a tensor has a dtype other than float32, float16, int8, uint8',
    retryable: false,
  },
  SHAPE_MISMATCH: {
    description: "a tensor's or image's data length does not match its shape",
    retryable: false,
  },
  NON_FINITE: { description: 'a float tensor holds NaN or ±Infinity', retryable: false },
  TOO_LARGE: { description: 'the message is over the configured maximum size', retryable: false },
  TIMEOUT: { description: 'a peer did not answer in time', retryable: true },
  DEADLINE_EXCEEDED: { description: "the request's deadline passed before it finished", retryable: false },
  NODE_LOST: { description: 'a node stopped sending heartbeats or said bye mid-request', retryable: true },
  NO_EDGE: { description: 'no edge node is available to serve the request', retryable: true },
  NO_RECEIVER: { description: 'the receiver named in the request is not connected', retryable: true },
  BUSY: { description: 'the node is at capacity and refused the work', retryable: true },
  UNKNOWN_REQUEST: {
    description: 'a message refers to a request id this node does not know',
    retryable: false,
  },
  UNKNOWN_TRIAL: { description: 'a message refers to a trial id this node does not know', retryable: false },
  MODEL_ERROR: { description: 'inference failed (model missing, ONNX Runtime error)', retryable: true },
  MODEL_TOO_LARGE: {
    description:
      "the node refuses to load the model: its estimated memory need exceeds the device's budget (the node does not join)",
    retryable: false,
  },
  CHANNEL_ERROR: {
    description: 'the channel emulation failed or the link dropped the payload',
    retryable: true,
  },
  CANCELLED: { description: 'the request or trial was cancelled', retryable: false },
  INTERNAL: { description: 'an unexpected failure inside the node (a bug)', retryable: false },
  UNAUTHORIZED: {
    description:
      'the peer did not prove it may act in this role (token, join code or credentials missing or wrong)',
    retryable: false,
  },
  NODE_ID_IN_USE: { description: 'a live session already holds this node id', retryable: false },
  ROLE_CHANGE: {
    description: "a hello would change an online node's role or transport (say bye first, or use another id)",
    retryable: false,
  },
  EDGE_CRASH: {
    description:
      "the request's edge crashed: a request overflowed its announced capacity under crash semantics, and every task in flight on it failed",
    retryable: false,
  },
  EDGE_OVERLOADED: {
    description:
      "the edge has no capacity left for the request's steps (reject semantics); another edge may take it",
    retryable: true,
  },
  NOT_DUE: {
    description:
      "a record, error or preview from a node the request's current attempt is not assigned to, or for another attempt",
    retryable: false,
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes as a list (for enums and docs), in registry order. */
export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** `ErrorCode.TIMEOUT === 'TIMEOUT'`: lets callers write codes without string typos. */
export const ErrorCode = Object.freeze(
  Object.fromEntries(ERROR_CODE_NAMES.map((c) => [c, c])) as { readonly [K in ErrorCode]: K },
);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
