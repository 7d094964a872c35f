/**
 * The live rows of `npm run bench -- asp --live [--live-profile <calibrated.json>]`: a short
 * trial on a real lab (private nats-server, coordinator, 4 edges of the default bundle with
 * capacities 20, 20, 30, 40 steps and compute shares 1, 1, 0.5, 0.5, 2 headless receivers)
 * under crash semantics (infra/trials/asp-crash.yaml), once per selector, on the same seeded
 * requests. Rows carry the simulated rows' fields plus `live: true`: testReward, finishRate,
 * crashRate and utility from the records (@semaigc/asp liveScore). The prophet and the
 * utilities need quality curves: with --live-profile (from `semaigc lab --calibrate`) the
 * edges announce its curves and the prophet row runs; without, utility is null and the
 * prophet is left out. decisionMsP99 is not measured live (null); n is 1 trial.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { liveScore, parseCalibratedProfile, type QualityCurve } from '@semaigc/asp';
import { loadTrialConfig, startCoordinator } from '@semaigc/coordinator';
import { startEdge } from '@semaigc/edge';
import { createLogger, loadNodePipeline, startNatsServer } from '@semaigc/node-kit';
import { parseRecord } from '@semaigc/protocol';
import { startReceivers } from '@semaigc/receiver-node';
import type { Row, SuiteContext } from '../harness';
import { benchBundleDir } from '../lib/bundle';

const CAPACITIES = [20, 20, 30, 40];
const SHARES = [1, 1, 0.5, 0.5];

export async function liveRows(ctx: SuiteContext, profileFile: string | undefined): Promise<Row[]> {
  const curves = new Map<string, QualityCurve>();
  if (profileFile) {
    const file = parseCalibratedProfile(
      JSON.parse(fs.readFileSync(profileFile, 'utf8')) as unknown,
      profileFile,
    );
    for (const e of file.edges) curves.set(e.edgeId, e.curve);
  }
  const selectors = ['random', 'round-robin', 'crash-avoid', ...(curves.size > 0 ? ['prophet'] : [])];
  const logger = createLogger('bench', 'error');
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-bench-asp-live-'));
  const bundleDir = benchBundleDir();
  const nats = await startNatsServer();
  const closers: (() => Promise<void>)[] = [];
  try {
    const coordinator = await startCoordinator({ natsUrl: nats.url, runsDir, bundleDir, logger, port: 0 });
    closers.push(() => coordinator.close());
    const pipeline = await loadNodePipeline({ bundleDir });
    closers.push(() => pipeline.release());
    for (let i = 0; i < CAPACITIES.length; i++) {
      const id = `edge-${i}`;
      const curve = curves.get(id);
      const e = await startEdge({
        natsUrl: nats.url,
        id,
        pipeline,
        logger,
        computeShare: SHARES[i]!,
        capacitySteps: CAPACITIES[i]!,
        ...(curve ? { qualityProfile: curve } : {}),
      });
      closers.push(() => e.close());
    }
    const rx = await startReceivers({ natsUrl: nats.url, count: 2, idPrefix: 'rx', pipeline, logger });
    closers.push(() => rx.close());
    const base = await loadTrialConfig(path.resolve('infra', 'trials', 'asp-crash.yaml'));
    const rows: Row[] = [];
    for (const selector of selectors) {
      const summary = await coordinator.runTrial({
        ...base,
        id: undefined,
        name: `asp-live-${selector}`,
        edgeSelector: selector,
        requestsPerReceiver: 15,
        aspSelector: { ...base.aspSelector, profile: profileFile ?? null },
      });
      const records = fs
        .readFileSync(summary.files.records, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => parseRecord(JSON.parse(l)));
      const s = liveScore(records, curves);
      rows.push({
        policy: selector,
        live: true,
        testReward: curves.size > 0 ? Math.round(s.reward * 1000) / 1000 : null,
        finishRate: Math.round(s.finishRate * 1e4) / 1e4,
        crashRate: Math.round(s.crashRate * 1e4) / 1e4,
        utility: curves.size > 0 ? Math.round(s.utility * 1000) / 1000 : null,
        penalty: s.penalty,
        decisionMsP99: null,
        n: 1,
        requests: s.tasks,
        budget: 'none (rule)',
      });
      ctx.log(`live ${selector}: ${s.tasks} requests, finished ${s.finishRate}, crashed ${s.crashRate}`);
    }
    return rows;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await nats.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}
