/**
 * Fault: an authenticated but wrong node during a live trial. Mallory holds valid receiver
 * credentials (so the broker lets it publish records and errors; it cannot read rx-1's
 * latents, so the test hands it each of rx-1's requests as an observer sees them: the worst
 * case, ids learnt some other way): for every latent sent to rx-1 it forges a record (PSNR 99,
 * consistency 1) and an error for rx-1's request under its own id, and after rx-1's genuine
 * record is in, it replays that record as a duplicate. The coordinator refuses the
 * forgeries as NOT_DUE while the attempt is open and the duplicates as late; records.jsonl
 * holds exactly one genuine record per request, none failed by a forged error. The edge
 * and rx-1 are the coordinator tests' protocol stand-ins (rx-1 answers when the test says,
 * so the forgeries come first).
 */
import { decode, encode, RECEIVER_LATENT_WILDCARD, type LatentMessage } from '@semaigc/protocol';
import { caps, recordFor, TestEdge, TestReceiver, until } from '../../apps/coordinator/test/helpers';
import { type AuthLab, readRecords, startAuthLab } from './auth-lab';

let lab: AuthLab;
beforeAll(async () => {
  lab = await startAuthLab();
}, 180_000);
afterAll(() => lab?.close());

test('forged and duplicate records and errors from a receiver with valid credentials are refused', async () => {
  const edge = await new TestEdge('edge-1').start(lab.nats.url, await lab.nodeAuth('edge', 'edge-1'));
  const rx = await new TestReceiver('rx-1', { silent: true }).start(
    lab.nats.url,
    await lab.nodeAuth('receiver', 'rx-1'),
  );
  const mallory = await new TestReceiver('rx-m', { silent: true }).start(
    lab.nats.url,
    await lab.nodeAuth('receiver', 'rx-m'),
  );
  const observer = await lab.client('observer');
  const drops = () => lab.coord.metrics.dropped.byNode['rx-m'] ?? 0;
  let written = 0;
  const forged: string[] = [];
  const handled: Promise<void>[] = [];
  // Mallory acts on each of rx-1's latents (seen by the observer: its own credentials do not
  // let it subscribe to another receiver's subjects).
  observer.subscribe(RECEIVER_LATENT_WILDCARD, {
    callback: (_e, m) => {
      const latent = decode(m.data) as LatentMessage;
      if (latent.request.receiverId !== 'rx-1') return;
      handled.push(
        (async () => {
          const req = { ...latent.request, v: 1 as const, type: 'request' as const };
          const before = drops();
          const fake = recordFor(req, 'rx-m', caps(), latent.edgeId, 1);
          mallory.nc.publish(
            'semaigc.v1.record',
            encode({ ...fake, quality: { psnr: 99, ssim: 1, consistency: 1 } }),
          );
          mallory.nc.publish(
            'semaigc.v1.error',
            encode({
              v: 1,
              type: 'error',
              code: 'MODEL_ERROR',
              reason: 'forged by mallory',
              requestId: req.requestId,
              trialId: req.trialId,
              nodeId: 'rx-m',
              attempt: req.attempt,
            }),
          );
          await mallory.nc.flush();
          // Both refused while the attempt was open (NOT_DUE), before rx-1 answers.
          await until(() => drops() >= before + 2, 'the forgeries refused', 20_000);
          forged.push(req.requestId);
          const genuine = recordFor(req, 'rx-1', caps({ stepMs: 8 }), latent.edgeId, 0.7);
          const seen = written;
          rx.nc.publish('semaigc.v1.record', encode(genuine));
          await until(() => written > seen, 'the genuine record written', 20_000);
          // The duplicate: the same record again, now that it is in (claiming rx-1, too).
          mallory.nc.publish(
            'semaigc.v1.record',
            encode({ ...genuine, quality: { psnr: 99, ssim: 1, consistency: 1 } }),
          );
          await mallory.nc.flush();
        })(),
      );
    },
  });
  await observer.flush();
  try {
    const n = 4;
    const summary = await lab.coord.runTrial(
      {
        name: 'forged',
        prompts: ['a small red circle in the centre on a blue background'],
        totalSteps: 10,
        policy: { kind: 'fixed', edgeSteps: 5 },
        snr: { kind: 'constant', snrDb: 10 },
        requestsPerReceiver: n,
        receivers: { ids: ['rx-1'], waitS: 30 },
        latency: { minS: 1, maxS: 60, failureS: 120 },
      },
      { onProgress: () => (written += 1) },
    );
    await Promise.all(handled);
    expect(forged).toHaveLength(n);
    expect(summary).toMatchObject({ status: 'completed', requests: n, succeeded: n, failed: 0 });
    const records = readRecords(lab.runsDir, summary.trialId);
    expect(records).toHaveLength(n);
    expect(new Set(records.map((r) => r.requestId)).size).toBe(n);
    for (const r of records) {
      expect(r.receiverId).toBe('rx-1');
      expect(r.quality.psnr).not.toBe(99);
      expect(r.quality.consistency).toBe(0.7);
    }
    // Each forged record and error was refused naming mallory and NOT_DUE.
    expect(lab.coord.metrics.dropped.byNode['rx-m']).toBeGreaterThanOrEqual(2 * n);
    const refusals = lab.log.filter((l) => l.msg === 'dropped message from node' && l.nodeId === 'rx-m');
    expect(refusals.every((l) => l['code'] === 'NOT_DUE')).toBe(true);
    expect(new Set(refusals.map((l) => l['where']))).toEqual(new Set(['record', 'error']));
    // The duplicates came after their request was settled: not written (records unchanged).
    await until(() => lab.coord.metrics.records.unknown >= n, 'the duplicates seen', 10_000);
    expect(readRecords(lab.runsDir, summary.trialId)).toHaveLength(n);
  } finally {
    await Promise.all([edge.close(), rx.close(), mallory.close()]);
  }
}, 180_000);
