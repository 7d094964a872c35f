/**
 * The session's timing defaults, one set for every transport.
 *
 * DEFAULT_HELLO_TIMEOUT_MS is 5 s (the NATS nodes used 2 s, the page 5 s): a hello over
 * socket.io is a WebSocket round trip from a phone on Wi-Fi to a coordinator that may be
 * busy writing records, and 2 s gave up on coordinators that were slow but alive. A missing
 * coordinator costs nothing extra: on NATS a hello with no subscriber fails at once ("no
 * responders"), and socket.io reports a lost link through its own events.
 *
 * DEFAULT_HELLO_RETRY_MS is 1 s (the page used 2 s): a node started before its coordinator
 * joins within a second of it coming up, and one small hello a second per waiting node is
 * negligible even for hundreds of headless receivers.
 */
export const DEFAULT_HELLO_TIMEOUT_MS = 5000;
export const DEFAULT_HELLO_RETRY_MS = 1000;
/** Messages kept while not welcomed (transports that hold); the oldest are dropped beyond this. */
export const DEFAULT_OUTBOX_LIMIT = 200;
