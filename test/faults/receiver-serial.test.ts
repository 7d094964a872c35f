/**
 * Fault: a weak device emulated as a strong one. A headless receiver at compute share 0.1
 * announcing maxConcurrent 1 gets three Local AIGC requests at once (fixed arrivals 0 ms
 * apart). It must run them one at a time, and the records say so: each waited in the queue
 * (timings.queueMs) for the work of those before it. Real nats-server, coordinator, bundle.
 */
import * as path from 'node:path';
import type { RecordMessage } from '@semaigc/protocol';
import { startReceivers } from '@semaigc/receiver-node';
import { quiet, readJsonl, startLab, type Lab } from '../helpers/lab';
import { waitFor } from './helpers';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
}, 120_000);
afterAll(() => lab?.close());

test('a receiver at share 0.1 with maxConcurrent 1 never runs two jobs at once', async () => {
  const rx = await startReceivers({
    natsUrl: lab.nats.url,
    count: 1,
    idPrefix: 'rx-weak',
    pipeline: lab.pipeline,
    computeShare: 0.1,
    logger: quiet,
  });
  try {
    const entry = await waitFor(() => lab.coordinator.registry.get(rx.ids[0]!), 30_000);
    expect(entry.capabilities).toMatchObject({
      computeShare: 0.1,
      maxConcurrent: 1,
    });
    const summary = await lab.coordinator.runTrial({
      name: 'weak',
      prompts: ['a small red circle in the centre on a blue background'],
      // 20 steps at share 0.1: each job's own work is well above the slack below on any machine
      // (4 steps gave ~160 ms on an idle CI core, too close to it).
      totalSteps: 20,
      policy: { kind: 'local-only' },
      requestsPerReceiver: 3,
      arrival: { kind: 'fixed', intervalMs: 0 },
      receivers: { ids: rx.ids, waitS: 30 },
      latency: { minS: 1, maxS: 100, failureS: 600 },
    });
    const dir = lab.coordinator.trials().find((t) => t.trialId === summary.trialId)!.runDir!;
    const records = (readJsonl(path.join(dir, 'records.jsonl')) as RecordMessage[]).sort(
      (a, b) => a.completedAt - b.completedAt,
    );
    expect(records).toHaveLength(3);
    expect(records.every((r) => !r.failed)).toBe(true);
    // Local AIGC: every timing below is the receiver's own work on the job.
    const own = (r: RecordMessage): number => {
      const t = r.timings;
      return (t.textEncodeMs ?? 0) + (t.receiverStepsMs ?? 0) + (t.decodeMs ?? 0) + (t.qualityMs ?? 0);
    };
    // The three arrive together; run one at a time, the k-th waits for the k-1 before it.
    // Run side by side, all three would wait ~0 ms. The slack covers the arrival spread.
    const byWait = [...records].sort((a, b) => (a.timings.queueMs ?? 0) - (b.timings.queueMs ?? 0));
    const slackMs = 100;
    expect(own(byWait[0]!)).toBeGreaterThan(2 * slackMs);
    let before = 0;
    for (const r of byWait) {
      expect(r.timings.queueMs ?? 0).toBeGreaterThanOrEqual(before - slackMs);
      before += own(r);
    }
  } finally {
    await rx.close();
  }
}, 300_000);
