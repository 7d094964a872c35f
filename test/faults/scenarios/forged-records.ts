/**
 * Forged and duplicate records and errors from an authenticated but wrong node, during a
 * live trial. Mallory holds valid receiver credentials (so the broker lets it publish
 * records and errors; it cannot read rx-1's latents, so it is handed each of rx-1's requests
 * as an observer sees them: the worst case, ids learnt some other way): for every latent
 * sent to rx-1 it forges a record (PSNR 99, consistency 1) and an error for rx-1's request
 * under its own id; after rx-1's genuine record is in, it replays that record (claiming
 * rx-1) as a duplicate. The edge and rx-1 are the coordinator tests' protocol stand-ins (rx-1
 * answers when told, so the forgeries come first). Never asserts: the test and the faults
 * bench read the measure.
 */
import {
  decode,
  encode,
  RECEIVER_LATENT_WILDCARD,
  type LatentMessage,
  type RecordMessage,
} from '@semaigc/protocol';
import type { TrialSummary } from '@semaigc/coordinator';
import { caps, recordFor, TestEdge, TestReceiver, until } from '../../../apps/coordinator/test/helpers';
import { type AuthLab, readRecords } from '../auth-lab';

/** The PSNR the forgeries claim: none may be found in the records. */
export const FORGED_PSNR = 99;
/** The consistency rx-1's genuine records carry. */
export const GENUINE_CONSISTENCY = 0.7;

export interface ForgedRecordsMeasure {
  scenario: string;
  summary: TrialSummary;
  records: RecordMessage[];
  /** Requests the forger acted on (each: a forged record, a forged error, a duplicate). */
  forged: number;
  /** Messages from the forger the coordinator dropped, and the codes and places it named. */
  dropped: number;
  refusalCodes: string[];
  refusalWhere: string[];
  /** Records arriving for a settled request (the duplicates), as the coordinator counted. */
  lateRecords: number;
  /** Records in records.jsonl with a forged value or not from rx-1. */
  forgedInRecords: number;
}

export async function forgedRecords(lab: AuthLab, n: number): Promise<ForgedRecordsMeasure> {
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
  const unknownBefore = lab.coord.metrics.records.unknown;
  let written = 0;
  const forged: string[] = [];
  const handled: Promise<void>[] = [];
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
            encode({ ...fake, quality: { psnr: FORGED_PSNR, ssim: 1, consistency: 1 } }),
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
          // Both judged while the attempt was open, before rx-1 answers.
          await until(() => drops() >= before + 2, 'the forgeries refused', 20_000);
          forged.push(req.requestId);
          const genuine = recordFor(req, 'rx-1', caps({ stepMs: 8 }), latent.edgeId, GENUINE_CONSISTENCY);
          const seen = written;
          rx.nc.publish('semaigc.v1.record', encode(genuine));
          await until(() => written > seen, 'the genuine record written', 20_000);
          // The duplicate: the same record again, now that it is in (claiming rx-1, too).
          mallory.nc.publish(
            'semaigc.v1.record',
            encode({ ...genuine, quality: { psnr: FORGED_PSNR, ssim: 1, consistency: 1 } }),
          );
          await mallory.nc.flush();
        })(),
      );
    },
  });
  await observer.flush();
  try {
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
    // The duplicates come after their request was settled: wait until each was seen.
    await until(
      () => lab.coord.metrics.records.unknown - unknownBefore >= n,
      'the duplicates seen',
      10_000,
    ).catch(() => undefined);
    const records = readRecords(lab.runsDir, summary.trialId);
    const refusals = lab.log.filter((l) => l.msg === 'dropped message from node' && l.nodeId === 'rx-m');
    return {
      scenario: 'forged records/errors + duplicates (authenticated receiver)',
      summary,
      records,
      forged: forged.length,
      dropped: drops(),
      refusalCodes: refusals.map((l) => String(l['code'])),
      refusalWhere: refusals.map((l) => String(l['where'])),
      lateRecords: lab.coord.metrics.records.unknown - unknownBefore,
      forgedInRecords: records.filter(
        (r) =>
          r.receiverId !== 'rx-1' ||
          r.quality.psnr === FORGED_PSNR ||
          r.quality.consistency !== GENUINE_CONSISTENCY,
      ).length,
    };
  } finally {
    await Promise.all([edge.close(), rx.close(), mallory.close()]);
  }
}
