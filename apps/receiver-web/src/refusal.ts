/**
 * Telling the coordinator that this page will not serve. A page that refuses the model (it
 * does not fit the device's memory budget) never says hello, so without this the lab would
 * only see a receiver that never came. The page opens a socket with the join code, sends one
 * `fault` carrying a wire error (`MODEL_TOO_LARGE`, its node id, the reason with both
 * figures), waits for the coordinator's acknowledgement (it acknowledges a fault once it has
 * judged it) and closes. The coordinator logs it and shows it on the dashboard; the node is
 * not registered, so no request is routed to it.
 *
 * Deliberately not the node session's transport (src/connection.ts): that one says hello on
 * connect and holds reports until a welcome, which a refusing page must not get.
 */
import { io, type Socket } from 'socket.io-client';
import {
  encode,
  errorMessage,
  type ClientToServerEvents,
  type ErrorCode,
  type ServerToClientEvents,
} from '@semaigc/protocol';

/** How long the page tries to reach the coordinator before it gives up reporting. */
export const REFUSAL_CONNECT_TIMEOUT_MS = 10_000;
/** How long it waits for the coordinator to acknowledge the fault once connected. */
export const REFUSAL_ACK_TIMEOUT_MS = 10_000;

export interface RefusalReport {
  /** Origin of the coordinator (the page's own). */
  url: string;
  path: string;
  joinCode: string;
  nodeId: string;
  code: ErrorCode;
  reason: string;
}

/**
 * Sends the refusal; resolves with null once the coordinator acknowledged it, or with why it
 * was not. The acknowledgement says the coordinator took the fault, not that it believed it
 * (one without the right join code is acknowledged and dropped as UNAUTHORIZED).
 */
export function reportRefusal(r: RefusalReport): Promise<string | null> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(r.url, {
    path: r.path,
    auth: { join: r.joinCode, nodeId: r.nodeId },
    reconnection: false,
    timeout: REFUSAL_CONNECT_TIMEOUT_MS,
  });
  return new Promise((resolve) => {
    const giveUp = setTimeout(() => {
      socket.disconnect();
      resolve(`the coordinator was not reached within ${REFUSAL_CONNECT_TIMEOUT_MS} ms`);
    }, REFUSAL_CONNECT_TIMEOUT_MS);
    socket.on('connect_error', (err) => {
      clearTimeout(giveUp);
      socket.disconnect();
      resolve(`cannot reach the coordinator: ${err.message}`);
    });
    socket.on('connect', () => {
      clearTimeout(giveUp);
      const bytes = encode(errorMessage(r.code, r.reason, { nodeId: r.nodeId }));
      const noAck = setTimeout(() => {
        socket.disconnect();
        resolve(`the coordinator did not acknowledge it within ${REFUSAL_ACK_TIMEOUT_MS} ms`);
      }, REFUSAL_ACK_TIMEOUT_MS);
      socket.emit('fault', bytes, () => {
        clearTimeout(noAck);
        socket.disconnect();
        resolve(null);
      });
    });
  });
}
