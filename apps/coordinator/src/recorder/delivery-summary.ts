/**
 * summary.json's `delivery`: how a trial's payloads travelled, from the records' `delivery`
 * fields only. Per transport actually used (nats, socket, webrtc): the requests, and for
 * WebRTC the packets the SFU sent, the pages received and lost (sent − received = lost holds
 * per record, so it holds for the sums), the loss rate, and the one-way delay over the
 * records' per-payload medians. `fallbacks`: requests the trial wanted over WebRTC that went
 * over socket.io, by reason.
 */
import { quantile } from '@semaigc/metrics';
import type { RecordMessage, RecordTransport } from '@semaigc/protocol';

export interface TransportSummary {
  requests: number;
  /** WebRTC only (absent otherwise). */
  packetsSent?: number;
  packetsReceived?: number;
  packetsLost?: number;
  /** packetsLost / packetsSent; null with nothing sent. */
  lossRate?: number | null;
  /** Median and max over the records' delayMsMedian, ms; null without any. */
  delayMsMedian?: number | null;
  delayMsMax?: number | null;
}

export interface DeliverySummary {
  byTransport: Partial<Record<RecordTransport, TransportSummary>>;
  /** Requests whose payload the trial wanted over WebRTC but that went over socket.io, by reason. */
  fallbacks: Record<string, number>;
}

/** null when no record says how its payload travelled (Local AIGC only, or older records). */
export function summarizeDelivery(records: readonly RecordMessage[]): DeliverySummary | null {
  const withDelivery = records.filter((r) => r.delivery !== undefined);
  if (withDelivery.length === 0) return null;
  const byTransport: DeliverySummary['byTransport'] = {};
  const fallbacks: Record<string, number> = {};
  for (const transport of ['nats', 'socket', 'webrtc'] as const) {
    const rs = withDelivery.filter((r) => r.delivery!.transport === transport);
    if (rs.length === 0) continue;
    const t: TransportSummary = { requests: rs.length };
    if (transport === 'webrtc') {
      const sum = (k: 'packetsSent' | 'packetsReceived' | 'packetsLost'): number =>
        rs.reduce((a, r) => a + (r.delivery![k] ?? 0), 0);
      const delays = rs
        .map((r) => r.delivery!.delayMsMedian)
        .filter((d): d is number => typeof d === 'number');
      const maxima = rs.map((r) => r.delivery!.delayMsMax).filter((d): d is number => typeof d === 'number');
      t.packetsSent = sum('packetsSent');
      t.packetsReceived = sum('packetsReceived');
      t.packetsLost = sum('packetsLost');
      t.lossRate = t.packetsSent > 0 ? t.packetsLost / t.packetsSent : null;
      t.delayMsMedian = delays.length ? quantile(delays, 0.5) : null;
      t.delayMsMax = maxima.length ? Math.max(...maxima) : null;
    }
    byTransport[transport] = t;
  }
  for (const r of withDelivery) {
    const why = r.delivery!.fallback;
    if (why !== undefined) fallbacks[why] = (fallbacks[why] ?? 0) + 1;
  }
  return { byTransport, fallbacks };
}
