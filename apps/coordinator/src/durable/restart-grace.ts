/**
 * The restart grace. A coordinator that finds trials a previous one left running ends them
 * (recovery.ts), and a request whose record is not in the records stream by then is written
 * CANCELLED. A headless receiver publishes its record to the stream itself, so nothing it
 * sent while no coordinator ran is lost; a browser's record reaches the stream only through
 * a coordinator, and a page whose record was on the socket when the coordinator died sends
 * it again after it is welcomed back (apps/receiver-web's unacked sends). So the new
 * coordinator first listens (HTTP, socket.io, NATS) and waits: until every receiver of those
 * trials is online again and has had RESEND_SETTLE_MS to send what it kept, or `graceMs`,
 * whichever comes first. Only then are the trials ended, from the stream as it stands.
 */
import type { Logger } from 'pino';

/** Long enough for a page's socket.io reconnect backoff (at most ~7.5 s) and its hello. */
export const DEFAULT_RESTART_GRACE_MS = 15_000;
/** After the last awaited receiver is back: time for its re-sends to be stored. */
export const RESEND_SETTLE_MS = 1_000;
const POLL_MS = 100;

export interface RestartGraceOptions {
  /** The receivers of the trials left running. */
  receiverIds: string[];
  online: (nodeId: string) => boolean;
  graceMs: number;
  log: Logger;
}

/** Resolves when the grace is over; says which receivers did not come back. */
export async function restartGrace(o: RestartGraceOptions): Promise<{ missing: string[]; waitedMs: number }> {
  const start = Date.now();
  const end = start + o.graceMs;
  const missing = (): string[] => o.receiverIds.filter((id) => !o.online(id));
  o.log.info(
    { receivers: o.receiverIds, graceMs: o.graceMs },
    'trials left running by the previous coordinator: waiting for their receivers to re-send before ending them',
  );
  while (missing().length > 0 && Date.now() < end) await sleep(Math.min(POLL_MS, end - Date.now()));
  if (missing().length === 0) await sleep(Math.max(0, Math.min(RESEND_SETTLE_MS, end - Date.now())));
  const left = missing();
  const waitedMs = Date.now() - start;
  if (left.length > 0) o.log.warn({ missing: left, waitedMs }, 'restart grace over without these receivers');
  return { missing: left, waitedMs };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
