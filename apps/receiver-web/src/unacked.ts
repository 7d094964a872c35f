/**
 * Records and errors the page sent that the coordinator has not acknowledged yet. socket.io
 * delivers at most once: an event written to a socket whose coordinator then dies (SIGKILL,
 * a crash, a restart) is gone without a word. So each stays here until its ack comes, and
 * the page sends whatever is left again once a coordinator has welcomed it on a new socket;
 * the coordinator drops a copy it already took (the records stream de-duplicates by
 * trial/request/attempt/receiver). Bounded: past `limit` the oldest is given up, counted.
 */
import type { SessionSendType } from '@semaigc/session';

/** The sends kept until acknowledged. */
export type AckedType = Extract<SessionSendType, 'record' | 'error'>;

export function needsAck(type: SessionSendType): type is AckedType {
  return type === 'record' || type === 'error';
}

export const DEFAULT_UNACKED_LIMIT = 64;

export class UnackedSends {
  private readonly pending = new Map<number, { type: AckedType; bytes: Uint8Array }>();
  private next = 0;
  /** Given up unacknowledged because the page held `limit` already. */
  dropped = 0;

  constructor(private readonly limit = DEFAULT_UNACKED_LIMIT) {}

  get size(): number {
    return this.pending.size;
  }

  /** Keeps a send until `taken(id)`; returns its id. */
  add(type: AckedType, bytes: Uint8Array): number {
    const id = this.next++;
    this.pending.set(id, { type, bytes });
    if (this.pending.size > this.limit) {
      const oldest = this.pending.keys().next().value as number;
      this.pending.delete(oldest);
      this.dropped += 1;
    }
    return id;
  }

  taken(id: number): void {
    this.pending.delete(id);
  }

  /** What is still unacknowledged, oldest first. */
  entries(): [number, { type: AckedType; bytes: Uint8Array }][] {
    return [...this.pending];
  }
}
