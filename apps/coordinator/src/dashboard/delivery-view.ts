/**
 * Per receiver, how the current trial's payloads reached it, from the records the dashboard
 * streams: the transport of its last record (webrtc, socket, nats; "socket ↩" when the trial
 * asked for WebRTC and it fell back), the WebRTC packets lost of those sent so far, and the
 * median one-way delay of its last WebRTC payload. Reset when a trial starts.
 */
import type { RecordMessage } from '@semaigc/protocol';
import { fmt } from './dom';

interface ReceiverDelivery {
  transport: string;
  fallback: string | null;
  sent: number;
  lost: number;
  delayMs: number | null;
}

const byReceiver = new Map<string, ReceiverDelivery>();

export function resetDelivery(): void {
  byReceiver.clear();
}

export function addDelivery(r: RecordMessage): void {
  const d = r.delivery;
  if (!d) return;
  const prev = byReceiver.get(r.receiverId) ?? {
    transport: '',
    fallback: null,
    sent: 0,
    lost: 0,
    delayMs: null,
  };
  byReceiver.set(r.receiverId, {
    transport: d.transport + (d.mode ? ` ${d.mode}` : ''),
    fallback: d.fallback ?? null,
    sent: prev.sent + (d.packetsSent ?? 0),
    lost: prev.lost + (d.packetsLost ?? 0),
    delayMs: d.transport === 'webrtc' ? (d.delayMsMedian ?? null) : prev.delayMs,
  });
}

/** The delivery cell of a receiver: transport, lost/sent, delay ms, and a tooltip. */
export function deliveryCells(receiverId: string): {
  transport: string;
  title: string;
  loss: string;
  delay: string;
} {
  const d = byReceiver.get(receiverId);
  if (!d) return { transport: '–', title: 'no record in this trial yet', loss: '–', delay: '–' };
  const pct = d.sent > 0 ? ` (${fmt((100 * d.lost) / d.sent, 1)}%)` : '';
  return {
    transport: d.fallback ? `${d.transport} ↩` : d.transport,
    title: d.fallback ? `over socket.io instead of WebRTC: ${d.fallback}` : d.transport,
    loss: d.sent > 0 ? `${d.lost}/${d.sent}${pct}` : '–',
    delay: fmt(d.delayMs, 0),
  };
}
