/**
 * The live testbed end to end on real parts: nats-server, the coordinator, an edge and
 * headless receivers on the real bundle; records must reach runs/<trial>/. Then an edge in
 * its own process is killed mid-trial: its requests are retried on another edge or reported
 * failed, and the trial ends (nothing hangs).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecordMessage } from '@semaigc/protocol';
import { startEdge } from '@semaigc/edge';
import { startReceivers } from '@semaigc/receiver-node';
import { BUNDLE_DIR, CLI, quiet, readJsonl, startLab, type Lab } from './helpers/lab';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab();
}, 60_000);
afterAll(() => lab?.close());

test('a trial over edge + 2 headless receivers writes its records, CSV, summary and images', async () => {
  const edge = await startEdge({
    natsUrl: lab.nats.url,
    id: 'edge-e2e',
    pipeline: lab.pipeline,
    logger: quiet,
  });
  const rx = await startReceivers({
    natsUrl: lab.nats.url,
    count: 2,
    idPrefix: 'rx-e2e',
    pipeline: lab.pipeline,
    logger: quiet,
  });
  try {
    const summary = await lab.coordinator.runTrial({
      name: 'e2e',
      prompts: { generator: 'grammar', seed: 3, count: 6 },
      totalSteps: 10,
      policy: { kind: 'fixed', edgeSteps: 5 },
      snr: { kind: 'sweep', valuesDb: [-6, 0, 15] },
      requestsPerReceiver: 3,
      computeReference: true,
      receivers: { ids: rx.ids, waitS: 10 },
      latency: { minS: 0.5, maxS: 5, failureS: 30 },
    });
    const info = lab.coordinator.trials().find((t) => t.trialId === summary.trialId)!;
    const dir = info.runDir!;
    const records = readJsonl(path.join(dir, 'records.jsonl')) as RecordMessage[];
    expect(records).toHaveLength(6);
    for (const r of records) {
      expect(r.failed).toBe(false);
      expect(r.edgeId).toBe('edge-e2e');
      expect(rx.ids).toContain(r.receiverId);
      expect(r.edgeSteps).toBe(5);
      expect(r.quality.psnr).toEqual(expect.any(Number));
      expect(r.satisfaction).toBeGreaterThanOrEqual(0);
      expect(r.timings.endToEndMs).toBeGreaterThan(0);
    }
    expect(new Set(records.map((r) => r.snrDbSet))).toEqual(new Set([-6, 0, 15]));
    const csv = fs.readFileSync(path.join(dir, 'records.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'))).toMatchObject({
      trialId: summary.trialId,
    });
    // Previews are saved as PNGs (they arrive asynchronously to the records).
    await waitFor(
      () => fs.existsSync(path.join(dir, 'images')) && fs.readdirSync(path.join(dir, 'images')).length === 6,
    );
  } finally {
    await rx.close();
    await edge.close();
  }
}, 180_000);

test('an edge process killed mid-trial: its requests are retried or failed, and the trial ends', async () => {
  if (!fs.existsSync(CLI))
    throw new Error(`${CLI} is missing: run scripts/setup.sh (it builds the CLI) first`);
  const rx = await startReceivers({
    natsUrl: lab.nats.url,
    count: 1,
    idPrefix: 'rx-kill',
    pipeline: lab.pipeline,
    logger: quiet,
  });
  // A slow edge (compute share 0.05: each step stretched 20×) in its own process.
  const child = spawn(
    process.execPath,
    [
      CLI,
      'edge',
      '--nats',
      lab.nats.url,
      '--id',
      'edge-doomed',
      '--compute-share',
      '0.05',
      '--bundle',
      BUNDLE_DIR,
    ],
    {
      stdio: 'ignore',
      env: { ...process.env, SEMAIGC_LOG_LEVEL: 'silent' },
    },
  );
  let rescue: Awaited<ReturnType<typeof startEdge>> | null = null;
  try {
    await waitFor(
      () =>
        lab.coordinator.registry.list({ role: 'edge', online: true }).some((n) => n.nodeId === 'edge-doomed'),
      30_000,
    );
    const run = lab.coordinator.startTrial({
      name: 'kill',
      prompts: ['a small red circle in the centre on a blue background'],
      totalSteps: 10,
      policy: { kind: 'fixed', edgeSteps: 8 },
      requestsPerReceiver: 3,
      receivers: { ids: rx.ids, waitS: 10 },
      retries: { max: 1, acceptTimeoutMs: 2000 },
      latency: { minS: 0.5, maxS: 5, failureS: 20 },
    });
    await waitFor(
      () => (lab.coordinator.trials().find((t) => t.trialId === run.trialId)?.progress.inFlight ?? 0) > 0,
    );
    child.kill('SIGKILL');
    // A healthy edge joins after the loss; retried requests can land on it.
    rescue = await startEdge({
      natsUrl: lab.nats.url,
      id: 'edge-rescue',
      pipeline: lab.pipeline,
      logger: quiet,
    });
    const summary = await run.done;
    const info = lab.coordinator.trials().find((t) => t.trialId === run.trialId)!;
    const records = readJsonl(path.join(info.runDir!, 'records.jsonl')) as RecordMessage[];
    expect(records).toHaveLength(3);
    const affected = records.filter((r) => r.retries > 0 || r.failed);
    expect(affected.length).toBeGreaterThan(0);
    for (const r of records.filter((x) => x.failed))
      expect(['NODE_LOST', 'TIMEOUT', 'NO_EDGE', 'DEADLINE_EXCEEDED']).toContain(r.failure!.code);
    expect(records.filter((r) => !r.failed).every((r) => r.edgeId === 'edge-rescue')).toBe(true);
    expect(summary.trialId).toBe(run.trialId);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rescue?.close();
    await rx.close();
  }
}, 180_000);

async function waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
