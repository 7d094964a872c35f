/**
 * What the coordinator did with each payload it saw (relayed over socket.io, sent through the
 * SFU, or left to NATS), kept until the request's record comes, so the record says how its
 * payload really travelled. The coordinator's fields (transport, requested, mode, packetsSent,
 * fallback) replace whatever the receiver wrote; the page's own counts (packetsReceived,
 * packetsLost, delays) are kept only for a payload that did go over WebRTC.
 */
import type { RecordDelivery, RecordMessage } from '@semaigc/protocol';

/** Payloads remembered at most (oldest forgotten first): bounds memory if records never come. */
export const MAX_DELIVERIES_KEPT = 10_000;

type CoordinatorFields = Pick<
  RecordDelivery,
  'transport' | 'requested' | 'mode' | 'packetsSent' | 'fallback'
>;

interface Entry {
  receiverId: string;
  delivery: CoordinatorFields;
}

const key = (requestId: string, attempt: number): string => `${requestId}#${attempt}`;

export class DeliveryLog {
  private readonly entries = new Map<string, Entry>();

  note(
    request: { requestId: string; receiverId: string; attempt: number },
    delivery: CoordinatorFields,
  ): void {
    const k = key(request.requestId, request.attempt);
    this.entries.delete(k);
    this.entries.set(k, { receiverId: request.receiverId, delivery });
    if (this.entries.size > MAX_DELIVERIES_KEPT) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** The record with the coordinator's account of its payload, when there is one for its sender. */
  stamp(record: RecordMessage, sender: string): RecordMessage {
    const e = this.entries.get(key(record.requestId, record.attempt));
    if (!e || e.receiverId !== sender || record.receiverId !== sender) return record;
    const page = record.delivery;
    const seen =
      e.delivery.transport === 'webrtc' && page
        ? {
            ...(page.packetsReceived === undefined ? {} : { packetsReceived: page.packetsReceived }),
            ...(page.packetsLost === undefined ? {} : { packetsLost: page.packetsLost }),
            ...(page.delayMsMedian === undefined ? {} : { delayMsMedian: page.delayMsMedian }),
            ...(page.delayMsMax === undefined ? {} : { delayMsMax: page.delayMsMax }),
          }
        : {};
    return { ...record, delivery: { ...dropUndefined(e.delivery), ...seen } };
  }
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
