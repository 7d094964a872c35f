/**
 * Fault: an authenticated but wrong node during a live trial (scenarios/forged-records.ts):
 * a receiver with valid credentials forges a record (PSNR 99) and an error for each of
 * another receiver's requests, and replays each genuine record as a duplicate. The
 * coordinator refuses the forgeries as NOT_DUE while the attempt is open and the duplicates
 * as late; records.jsonl holds exactly one genuine record per request, none failed by a
 * forged error.
 */
import { type AuthLab, readRecords, startAuthLab } from './auth-lab';
import { FORGED_PSNR, forgedRecords, GENUINE_CONSISTENCY } from './scenarios/forged-records';

let lab: AuthLab;
beforeAll(async () => {
  lab = await startAuthLab();
}, 180_000);
afterAll(() => lab?.close());

test('forged and duplicate records and errors from a receiver with valid credentials are refused', async () => {
  const n = 4;
  const m = await forgedRecords(lab, n);
  expect(m.forged).toBe(n);
  expect(m.summary).toMatchObject({ status: 'completed', requests: n, succeeded: n, failed: 0 });
  expect(m.records).toHaveLength(n);
  expect(new Set(m.records.map((r) => r.requestId)).size).toBe(n);
  for (const r of m.records) {
    expect(r.receiverId).toBe('rx-1');
    expect(r.quality.psnr).not.toBe(FORGED_PSNR);
    expect(r.quality.consistency).toBe(GENUINE_CONSISTENCY);
  }
  expect(m.forgedInRecords).toBe(0);
  // Each forged record and error was refused naming mallory and NOT_DUE.
  expect(m.dropped).toBeGreaterThanOrEqual(2 * n);
  expect(m.refusalCodes.every((c) => c === 'NOT_DUE')).toBe(true);
  expect(new Set(m.refusalWhere)).toEqual(new Set(['record', 'error']));
  // The duplicates came after their request was settled: seen, not written.
  expect(m.lateRecords).toBeGreaterThanOrEqual(n);
  expect(readRecords(lab.runsDir, m.summary.trialId)).toHaveLength(n);
}, 180_000);
