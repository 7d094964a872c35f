/**
 * `npm run bench -- lab [--quick] [--requests N]`: framework overhead of the live testbed
 * A private nats-server, the coordinator, one edge and 1, 10 and 100
 * headless receivers in this process, on the real bundle with a tiny schedule (T̂ = 2, a = 1)
 * so compute does not drown the figure. Per request:
 *   overhead = end to end (coordinator clock, dispatch → record)
 *              − compute (text encoding + edge steps + receiver steps + decode + quality
 *                figures) − time queued behind other requests on the one edge
 *              − emulated channel delay (off here, so 0)
 * i.e. queueing, encoding/decoding, validation, NATS hops (coordinator → edge → receiver →
 * coordinator) and the coordinator's bookkeeping. Requests arrive closed-loop per receiver.
 * Baseline in the same run: a raw NATS request/reply of the same latent message bytes
 * between two connections (no protocol, no validation), for the ratio.
 */
import { connect } from '@nats-io/transport-node';
import { startCoordinator } from '@semaigc/coordinator';
import { startEdge } from '@semaigc/edge';
import { createLogger, loadNodePipeline, startNatsServer } from '@semaigc/node-kit';
import { encode, PROTOCOL_VERSION, type RecordMessage } from '@semaigc/protocol';
import { startReceivers } from '@semaigc/receiver-node';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarize, type Row, type SuiteContext, type SuiteResult } from '../harness';
import { numberArg, suiteArgs } from '../lib/args';
import { benchBundleDir } from '../lib/bundle';

const RECEIVER_COUNTS = [1, 10, 100];

/** Work that is not the framework's: model compute, quality figures, and waiting for a busy edge. */
function computeMs(r: RecordMessage): number {
  const t = r.timings;
  return (
    (t.textEncodeMs ?? 0) +
    (t.edgeStepsMs ?? 0) +
    (t.receiverStepsMs ?? 0) +
    (t.decodeMs ?? 0) +
    (t.qualityMs ?? 0) +
    (t.queueMs ?? 0)
  );
}

export default async function lab(ctx: SuiteContext): Promise<SuiteResult> {
  const args = suiteArgs(ctx.args, { requests: { type: 'string' } });
  const quick = args.quick;
  const nRequests = numberArg(args.requests, 'requests', quick ? 60 : 500);
  const logger = createLogger('bench', 'silent');
  const nats = await startNatsServer();
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'semaigc-bench-lab-'));
  const bundleDir = benchBundleDir();
  const coordinator = await startCoordinator({ natsUrl: nats.url, runsDir, bundleDir, logger });
  const pipeline = await loadNodePipeline({ bundleDir });
  const edge = await startEdge({ natsUrl: nats.url, id: 'edge-bench', pipeline, logger, maxQueue: 1000 });
  const rows: Row[] = [];
  const raw: Record<string, { overheadMs: number[]; e2eMs: number[] }> = {};
  let latentBytes = 0;
  try {
    for (const count of RECEIVER_COUNTS) {
      const rx = await startReceivers({ natsUrl: nats.url, count, idPrefix: `rx${count}`, pipeline, logger });
      const perReceiver = Math.max(1, Math.ceil(nRequests / count));
      const overheads: number[] = [];
      const e2e: number[] = [];
      ctx.log(`${count} receivers × ${perReceiver} requests`);
      await coordinator.runTrial(
        {
          name: `bench-${count}`,
          prompts: { generator: 'grammar', seed: 9, count: 50 },
          totalSteps: 2,
          policy: { kind: 'fixed', edgeSteps: 1 },
          snr: { kind: 'constant', snrDb: 10 },
          requestsPerReceiver: perReceiver,
          receivers: { ids: rx.ids, waitS: 30 },
          latency: { minS: 1, maxS: 5, failureS: 60 },
        },
        {
          onProgress: (_p, r) => {
            if (r.failed || r.timings.endToEndMs === null) return;
            e2e.push(r.timings.endToEndMs);
            overheads.push(r.timings.endToEndMs - computeMs(r) - (r.timings.txEmulatedMs ?? 0));
            latentBytes = Math.max(latentBytes, r.payloadBytes);
          },
        },
      );
      await rx.close();
      const o = summarize(overheads);
      const e = summarize(e2e);
      raw[`receivers${count}`] = { overheadMs: overheads, e2eMs: e2e };
      rows.push({
        case: `framework overhead, ${count} receiver(s)`,
        n: o.n,
        p50Ms: o.median,
        p90Ms: o.p90,
        p99Ms: o.p99,
        maxMs: o.max,
        e2eP50Ms: e.median,
      });
    }

    // Raw NATS request/reply of a latent-sized protocol message, no protocol work.
    const a = await connect({ servers: nats.url });
    const b = await connect({ servers: nats.url });
    const payload = encode({
      v: PROTOCOL_VERSION,
      type: 'error',
      code: 'INTERNAL',
      reason: 'x'.repeat(Math.max(0, Math.min(1900, latentBytes - 40))),
    });
    const bytes = new Uint8Array(Math.max(latentBytes, payload.byteLength));
    bytes.set(payload);
    b.subscribe('bench.echo', {
      callback: (_e, m) => {
        m.respond(m.data);
      },
    });
    await b.flush();
    const rtt: number[] = [];
    for (let i = 0; i < Math.max(nRequests, 200); i++) {
      const t0 = performance.now();
      await a.request('bench.echo', bytes, { timeout: 5000 });
      rtt.push(performance.now() - t0);
    }
    await a.close();
    await b.close();
    const r = summarize(rtt);
    rows.push({
      case: `raw NATS request/reply, ${bytes.byteLength} B`,
      n: r.n,
      p50Ms: r.median,
      p90Ms: r.p90,
      p99Ms: r.p99,
      maxMs: r.max,
      e2eP50Ms: null,
    });
    const ten = rows.find((x) => x.case === 'framework overhead, 10 receiver(s)')!;
    return {
      rows,
      extra: {
        targets: { p50MsAt10: 2, p99MsAt10: 10 },
        meets: { p50: (ten.p50Ms as number) <= 2, p99: (ten.p99Ms as number) <= 10 },
        ratioOverheadP50ToRawNatsP50At10: (ten.p50Ms as number) / r.median,
        hops: 'coordinator → edge (request/reply) → receiver (publish) → coordinator (record); raw baseline is one request/reply',
        settings: {
          totalSteps: 2,
          edgeSteps: 1,
          channel: 'analog AWGN 10 dB, no emulated delay',
          requestsPerConfig: nRequests,
        },
        raw,
      },
    };
  } finally {
    await edge.close();
    await pipeline.release();
    await coordinator.close();
    await nats.stop();
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
}
