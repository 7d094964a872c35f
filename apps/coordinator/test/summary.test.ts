/** Summary statistics, CSV flattening and the terminal table, from hand-made records. */
import { type RecordMessage, validateMessage } from '@semaigc/protocol';
import {
  csvCell,
  RECORD_CSV_COLUMNS,
  recordToCsvLine,
  renderSummaryTable,
  snrBucket,
  summarizeByPolicy,
  summarizeBySnr,
  summarizeDelivery,
  summarizeGroup,
  type TrialSummary,
} from '../src';
import { caps, recordFor, sampleRequest } from './helpers';

function rec(
  i: number,
  over: {
    e2e: number;
    snr: number;
    sat: number;
    policy?: string;
    fail?: 'TIMEOUT' | 'NODE_LOST';
    consistency?: number;
  },
): RecordMessage {
  const request = sampleRequest();
  const base = recordFor(
    {
      ...request,
      requestId: `t1-r${i}`,
      prompt: 'a red, "quoted"\nprompt',
      seed: i,
      channel: { ...request.channel, snrDb: over.snr },
      policy: over.policy ?? 'fixed',
      receiverVariant: 'finetune',
    },
    'rx-1',
    caps(),
    'edge-1',
    over.consistency ?? 0.8,
  );
  return validateMessage({
    ...base,
    timings: { ...base.timings, endToEndMs: over.e2e },
    satisfaction: over.sat,
    failed: over.fail !== undefined,
    failure: over.fail ? { code: over.fail, reason: 'test' } : null,
    retries: over.fail ? 1 : 0,
  }) as RecordMessage;
}

/** A completed fixed-policy trial's summary of `rs` for the terminal table (rx-1, 20 steps). */
function trialSummary(
  rs: RecordMessage[],
  o: Pick<TrialSummary, 'trialId' | 'name' | 'planned' | 'edgeIds' | 'delivery' | 'runDir'>,
): TrialSummary {
  return {
    ...summarizeGroup(rs),
    ...o,
    status: 'completed',
    reason: null,
    policy: 'fixed',
    totalSteps: 20,
    receiverIds: ['rx-1'],
    startedAt: 0,
    endedAt: 1,
    durationMs: 1,
    byPolicy: summarizeByPolicy(rs),
    bySnr: summarizeBySnr(rs),
    files: { records: `${o.runDir}/records.jsonl`, csv: '', summary: '', config: '', images: '', policy: [] },
  };
}

const records = [
  rec(0, { e2e: 100, snr: -6, sat: 1 }),
  rec(1, { e2e: 200, snr: -4, sat: 1 }),
  rec(2, { e2e: 300, snr: 0, sat: 0.5, consistency: 0.4 }),
  rec(3, { e2e: 60_001, snr: 1, sat: 0, fail: 'TIMEOUT' }),
  rec(4, { e2e: 400, snr: 10, sat: 0.25, policy: 'edge-only' }),
  rec(5, { e2e: 7000, snr: 14.9, sat: 0, fail: 'NODE_LOST', policy: 'edge-only' }),
];

test('group summary: counts, failures by code, satisfaction over all, latency over succeeded', () => {
  const g = summarizeGroup(records);
  expect(g).toMatchObject({
    requests: 6,
    succeeded: 4,
    failed: 2,
    failuresByCode: { TIMEOUT: 1, NODE_LOST: 1 },
    retried: 2,
  });
  expect(g.satisfactionMean).toBeCloseTo((1 + 1 + 0.5 + 0 + 0.25 + 0) / 6, 12);
  expect(g.consistencyMean).toBeCloseTo((0.8 + 0.8 + 0.4 + 0.8) / 4, 12);
  // Succeeded end-to-end latencies 100, 200, 300, 400 ms: type-7 quantiles.
  expect(g.latencyMs.endToEndMs).toEqual({ n: 4, mean: 250, p50: 250, p90: 370, p99: 397 });
  expect(g.latencyMs.receiverStepsMs).toMatchObject({ n: 4, mean: 30 });
  expect(summarizeGroup([]).satisfactionMean).toBeNull();
  expect(summarizeGroup([]).latencyMs.endToEndMs).toBeNull();
});

test('by policy and by 3 dB SNR bucket', () => {
  const byPolicy = summarizeByPolicy(records);
  expect(Object.keys(byPolicy)).toEqual(['edge-only', 'fixed']);
  expect(byPolicy['edge-only']).toMatchObject({ requests: 2, failed: 1 });
  expect(summarizeBySnr(records).map((b) => [b.bucket, b.requests, b.failed])).toEqual([
    ['[-6, -3)', 2, 0],
    ['[0, 3)', 2, 1],
    ['[9, 12)', 1, 0],
    ['[12, 15)', 1, 1],
  ]);
  expect(snrBucket(-0.1)).toEqual({ minDb: -3, maxDb: 0 });
});

test('CSV: one column per dotted path, RFC 4180 quoting, empty for null', () => {
  const cells = (line: string) => line.trimEnd();
  const line = cells(recordToCsvLine(records[3]!));
  expect(line).toContain('"a red, ""quoted""\nprompt"');
  expect(line).toContain(',TIMEOUT,test,1,');
  expect(RECORD_CSV_COLUMNS).toContain('timings.endToEndMs');
  expect(RECORD_CSV_COLUMNS).toContain('receiver.profile.platform');
  expect(new Set(RECORD_CSV_COLUMNS).size).toBe(RECORD_CSV_COLUMNS.length);
  expect([csvCell(null), csvCell(1.5), csvCell(true), csvCell('x,y')]).toEqual(['', '1.5', 'true', '"x,y"']);
});

test("CSV: a browser receiver's wasm set-up (threads, SIMD, build, worker) has its own columns", () => {
  const r = structuredClone(records[0]!);
  r.receiver.profile = {
    ...r.receiver.profile,
    wasm: { threads: 2, simd: true, build: 'plain', worker: true },
  };
  const at = RECORD_CSV_COLUMNS.indexOf('receiver.profile.wasm.threads');
  expect(RECORD_CSV_COLUMNS.slice(at, at + 4)).toEqual([
    'receiver.profile.wasm.threads',
    'receiver.profile.wasm.simd',
    'receiver.profile.wasm.build',
    'receiver.profile.wasm.worker',
  ]);
  expect(recordToCsvLine(r)).toContain(`${csvCell(r.receiver.profile.userAgent)},2,true,plain,true,`);
  // A node without a wasm set-up leaves them empty.
  expect(recordToCsvLine(records[0]!)).toContain(`${csvCell(records[0]!.receiver.profile.userAgent)},,,,,`);
});

test('the terminal table shows the trial, each stage and each SNR bucket', () => {
  const summary = trialSummary(records, {
    trialId: 't1',
    name: 'table',
    planned: 6,
    edgeIds: ['edge-1'],
    delivery: null,
    runDir: '/tmp/x',
  });
  const text = renderSummaryTable(summary);
  for (const s of [
    'table (t1)',
    '6/6',
    'TIMEOUT 1',
    'NODE_LOST 1',
    'end to end',
    '250.0',
    '[12, 15)',
    'edge-only',
    '/tmp/x/records.jsonl',
  ]) {
    expect(text).toContain(s);
  }
});

test('delivery: per transport, the WebRTC packets add up, fallbacks by reason; CSV and table show them', () => {
  const base = rec(0, { e2e: 100, snr: 3, sat: 1 });
  const rtc = (lost: number, delay: number): RecordMessage =>
    validateMessage({
      ...base,
      delivery: {
        transport: 'webrtc',
        requested: 'webrtc',
        mode: 'unreliable',
        packetsSent: 64,
        packetsReceived: 64 - lost,
        packetsLost: lost,
        delayMsMedian: delay,
        delayMsMax: delay + 50,
      },
    }) as RecordMessage;
  const fellBack = validateMessage({
    ...base,
    delivery: { transport: 'socket', requested: 'webrtc', fallback: 'the page has no WebRTC path: x' },
  }) as RecordMessage;
  const rs = [rtc(4, 10), rtc(0, 30), rtc(12, 20), fellBack, base];
  const d = summarizeDelivery(rs)!;
  expect(d.byTransport.webrtc).toEqual({
    requests: 3,
    packetsSent: 192,
    packetsReceived: 176,
    packetsLost: 16,
    lossRate: 16 / 192,
    delayMsMedian: 20,
    delayMsMax: 80,
  });
  expect(d.byTransport.socket).toEqual({ requests: 1 });
  expect(d.fallbacks).toEqual({ 'the page has no WebRTC path: x': 1 });
  expect(summarizeDelivery([base])).toBeNull();

  const at = RECORD_CSV_COLUMNS.indexOf('delivery.transport');
  expect(at).toBeGreaterThan(RECORD_CSV_COLUMNS.indexOf('phy.onePassMs'));
  expect(recordToCsvLine(rs[0]!).trimEnd().endsWith('webrtc,webrtc,unreliable,64,60,4,10,60,')).toBe(true);

  const summary = trialSummary(rs, {
    trialId: 't2',
    name: 'rtc',
    planned: 5,
    edgeIds: [],
    delivery: d,
    runDir: '/tmp/y',
  });
  const text = renderSummaryTable(summary);
  for (const s of [
    'packets sent',
    '192',
    '176',
    '0.083',
    'over socket.io instead of WebRTC (1): the page has no WebRTC path: x',
  ]) {
    expect(text).toContain(s);
  }
});
