/** The trial summary as text tables for the terminal (`semaigc lab` / `trial run` print it). */
import Table from 'cli-table3';
import type { GroupSummary, StageStats, TrialSummary } from './summary';
import { STAGES } from './summary';

const STAGE_LABELS: Record<(typeof STAGES)[number], string> = {
  queueMs: 'queue',
  textEncodeMs: 'text encode',
  edgeStepsMs: 'edge steps',
  txEmulatedMs: 'tx emulated (O/v)',
  transportMs: 'transport',
  receiverStepsMs: 'receiver steps',
  decodeMs: 'decode',
  qualityMs: 'quality metrics',
  endToEndMs: 'end to end',
};

function f(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined ? '–' : v.toFixed(digits);
}

function failures(g: GroupSummary): string {
  const parts = Object.entries(g.failuresByCode).map(([code, n]) => `${code} ${n}`);
  return parts.length ? parts.join(', ') : '–';
}

function e2e(g: GroupSummary): StageStats | null {
  return g.latencyMs.endToEndMs;
}

function plain(head: string[]): Table.Table {
  return new Table({ head, style: { head: [], border: [] } });
}

export function renderSummaryTable(s: TrialSummary): string {
  const overview = plain([
    'trial',
    'status',
    'policy',
    'requests',
    'failed',
    'satisfaction',
    'e2e p50 ms',
    'e2e p99 ms',
  ]);
  overview.push([
    `${s.name} (${s.trialId})`,
    s.status,
    s.policy,
    `${s.requests}/${s.planned}`,
    `${s.failed}${s.failed ? ` (${failures(s)})` : ''}`,
    f(s.satisfactionMean, 3),
    f(e2e(s)?.p50),
    f(e2e(s)?.p99),
  ]);

  const stages = plain(['stage (ms, succeeded)', 'n', 'mean', 'p50', 'p90', 'p99']);
  for (const st of STAGES) {
    const x = s.latencyMs[st];
    stages.push([STAGE_LABELS[st], String(x?.n ?? 0), f(x?.mean), f(x?.p50), f(x?.p90), f(x?.p99)]);
  }

  const snr = plain([
    'SNR dB',
    'requests',
    'failed',
    'satisfaction',
    'consistency',
    'e2e p50 ms',
    'e2e p90 ms',
  ]);
  for (const b of s.bySnr) {
    snr.push([
      b.bucket,
      String(b.requests),
      String(b.failed),
      f(b.satisfactionMean, 3),
      f(b.consistencyMean, 3),
      f(e2e(b)?.p50),
      f(e2e(b)?.p90),
    ]);
  }

  const parts = [overview.toString(), stages.toString(), snr.toString()];
  if (Object.keys(s.byPolicy).length > 1) {
    const pol = plain(['policy', 'requests', 'failed', 'satisfaction', 'e2e p50 ms']);
    for (const [name, g] of Object.entries(s.byPolicy)) {
      pol.push([name, String(g.requests), String(g.failed), f(g.satisfactionMean, 3), f(e2e(g)?.p50)]);
    }
    parts.push(pol.toString());
  }
  const d = s.delivery;
  if (d && d.byTransport.webrtc) {
    const rtc = plain([
      'delivery',
      'requests',
      'packets sent',
      'received',
      'lost',
      'loss rate',
      'delay p50 ms',
    ]);
    for (const [name, t] of Object.entries(d.byTransport)) {
      rtc.push([
        name,
        String(t.requests),
        t.packetsSent === undefined ? '–' : String(t.packetsSent),
        t.packetsReceived === undefined ? '–' : String(t.packetsReceived),
        t.packetsLost === undefined ? '–' : String(t.packetsLost),
        f(t.lossRate, 3),
        f(t.delayMsMedian),
      ]);
    }
    parts.push(rtc.toString());
  }
  if (d)
    for (const [why, n] of Object.entries(d.fallbacks))
      parts.push(`over socket.io instead of WebRTC (${n}): ${why}`);
  parts.push(`records: ${s.files.records}`);
  for (const file of s.files.policy) parts.push(`policy saved: ${file}`);
  return parts.join('\n');
}
