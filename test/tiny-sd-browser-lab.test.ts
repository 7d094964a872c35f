/**
 * A split generation on a standard Stable Diffusion export with the receiver in a browser: the
 * lab (nats-server, coordinator serving packages/models/tiny-sd, an edge in Node) and the
 * receiver page in headless Chromium. The edge runs a of T̂ steps on the 4×64×64 latent, the
 * latent crosses an AWGN channel, and the page runs the rest and decodes at 512×512 through the
 * standard path (CLIP tokenizer, int64 timesteps through its inference worker).
 */
import * as path from 'node:path';
import type { RecordMessage } from '@semaigc/protocol';
import { startEdge } from '@semaigc/edge';
import { TINY_SD_DIR } from '@semaigc/models';
import { launchChromium } from '@semaigc/testkit';
import { ensureReceiverWebBuilt, RECEIVER_WEB_DIST } from '../apps/receiver-web/test/helpers/ensure-built';
import { quiet, readJsonl, startLab, type Lab } from './helpers/lab';
import { canvasStats, joinReceiverPage } from './helpers/page-receiver';

let lab: Lab | null = null;
afterAll(() => lab?.close());

test('the receiver page finishes split generations on tiny-sd over AWGN', async () => {
  await ensureReceiverWebBuilt();
  lab = await startLab({ webRoot: RECEIVER_WEB_DIST, bundleDir: TINY_SD_DIR });
  const edge = await startEdge({
    natsUrl: lab.nats.url,
    id: 'edge-sd',
    pipeline: lab.pipeline,
    logger: quiet,
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const nodeId = await joinReceiverPage(page, lab.coordinator, 180_000);
    const summary = await lab.coordinator.runTrial({
      name: 'tiny-sd-browser',
      prompts: ['a photograph of an astronaut riding a horse', 'a lighthouse on a cliff at sunset'],
      totalSteps: 4,
      policy: { kind: 'fixed', edgeSteps: 2 },
      receiverVariant: 'remap',
      channel: { mode: 'analog', link: { bandwidthHz: 20e6, emulate: false } },
      snr: { kind: 'constant', snrDb: 5 },
      requestsPerReceiver: 2,
      receivers: { ids: [nodeId], waitS: 20 },
      latency: { minS: 5, maxS: 60, failureS: 300 },
    });
    const dir = lab.coordinator.trials().find((t) => t.trialId === summary.trialId)!.runDir!;
    const records = readJsonl(path.join(dir, 'records.jsonl')) as RecordMessage[];
    expect(records.map((r) => ({ failed: r.failed, failure: r.failure }))).toEqual([
      { failed: false, failure: null },
      { failed: false, failure: null },
    ]);
    for (const r of records) {
      expect(r.receiverId).toBe(nodeId);
      expect(r.edgeId).toBe('edge-sd');
      expect(r.receiver.runtime.kind).toBe('browser');
      expect(r.edgeSteps).toBe(2);
      // The channel really acted on the latent: a measured SNR near the set 5 dB, not ideal.
      expect(r.channelMode).toBe('analog');
      expect(r.snrDbMeasured).toBeGreaterThan(3);
      expect(r.snrDbMeasured).toBeLessThan(7);
      // The latent as sent: 4×64×64 float32 is 64 KiB, plus the message's few hundred bytes.
      expect(r.payloadBytes).toBeGreaterThan(64 * 1024);
      expect(r.payloadBytes).toBeLessThan(68 * 1024);
    }
    // The page drew a 512×512 image that is not a single colour.
    const drawn = await canvasStats(page);
    expect(drawn.width).toBe(512);
    expect(drawn.distinct).toBeGreaterThan(4);
  } finally {
    await browser.close();
    await edge.close();
  }
}, 600_000);
