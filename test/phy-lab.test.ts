/**
 * One physical layer, live and simulated: on the real lab (nats-server, coordinator, an edge
 * and a headless receiver on the real ONNX bundle), each record's `phy` is what the channel
 * package's phy.ts — the model root's scenario simulator and `semaigc trial run --sim` use —
 * computes for that request's bandwidth and SNR, and the link held exactly that time. Edge
 * AIGC's image crosses the adapted digital link; its HARQ retransmissions add held time.
 */
import * as path from 'node:path';
import { analogLatentS, analogPhyMeta, DEFAULT_PHY, digitalLink, imageLink } from '@semaigc/channel';
import type { TrialConfigInput } from '@semaigc/coordinator';
import type { RecordMessage } from '@semaigc/protocol';
import { startEdge, type EdgeHandle } from '@semaigc/edge';
import { startReceivers } from '@semaigc/receiver-node';
import { quiet, readJsonl, startLab, type Lab } from './helpers/lab';

let lab: Lab;
let edge: EdgeHandle;
let rx: Awaited<ReturnType<typeof startReceivers>>;
beforeAll(async () => {
  lab = await startLab();
  edge = await startEdge({ natsUrl: lab.nats.url, id: 'edge-phy', pipeline: lab.pipeline, logger: quiet });
  rx = await startReceivers({
    natsUrl: lab.nats.url,
    count: 1,
    idPrefix: 'rx-phy',
    pipeline: lab.pipeline,
    logger: quiet,
  });
}, 60_000);
afterAll(async () => {
  await rx?.close();
  await edge?.close();
  await lab?.close();
});

/** The split trial's link; Edge AIGC's runs at 1 MHz (its 64×64 image at CQI 1 takes 0.65 s a pass there, 13 s at 50 kHz). */
const BANDWIDTH_HZ = 50e3;
const IMAGE_BANDWIDTH_HZ = 1e6;

async function trial(
  name: string,
  policy: TrialConfigInput['policy'],
  valuesDb: number[],
  requests: number,
  bandwidthHz: number,
): Promise<RecordMessage[]> {
  const summary = await lab.coordinator.runTrial({
    name,
    prompts: { generator: 'grammar', seed: 5, count: requests },
    totalSteps: 10,
    policy,
    channel: { mode: 'analog', link: { bandwidthHz, emulate: true } },
    snr: { kind: 'sweep', valuesDb },
    requestsPerReceiver: requests,
    receivers: { ids: rx.ids, waitS: 10 },
    latency: { minS: 0.5, maxS: 5, failureS: 30 },
  });
  const info = lab.coordinator.trials().find((t) => t.trialId === summary.trialId)!;
  return readJsonl(path.join(info.runDir!, 'records.jsonl')) as RecordMessage[];
}

test('a split latent: N/2 channel uses at B in every record, the held time the simulator charges, at every SNR', async () => {
  const records = await trial('phy split', { kind: 'fixed', edgeSteps: 5 }, [-6, 15], 4, BANDWIDTH_HZ);
  const { channels, height, width } = lab.pipeline.bundle.manifest.latent;
  const n = channels * height * width;
  expect(records).toHaveLength(4);
  for (const r of records) {
    expect(r.failed).toBe(false);
    expect(r.phy).toEqual(analogPhyMeta(n, BANDWIDTH_HZ));
    // root's scenario simulator charges analogLatentS for the same latent and bandwidth.
    expect(r.phy!.txMs).toBeCloseTo(
      analogLatentS({ ...DEFAULT_PHY, latentElements: n }, BANDWIDTH_HZ) * 1000,
      9,
    );
    expect(r.timings.txEmulatedMs).toBeCloseTo(r.phy!.txMs, 6);
  }
  expect(new Set(records.map((r) => r.snrDbSet))).toEqual(new Set([-6, 15]));
}, 120_000);

test('Edge AIGC: the image over the adapted CQI link as the simulator computes it; retransmissions add held time', async () => {
  const records = await trial('phy edge aigc', { kind: 'edge-aigc' }, [-6, 10], 16, IMAGE_BANDWIDTH_HZ);
  expect(records).toHaveLength(16);
  for (const r of records) {
    expect(r.failed).toBe(false);
    expect(r.deliver).toBe('image');
    const bits = imageBits();
    const link = digitalLink(DEFAULT_PHY, bits, IMAGE_BANDWIDTH_HZ, r.snrDbSet);
    expect(r.phy!.mcs!.cqi).toBe(link.cqi.cqi);
    expect(r.phy!.bler).toBeCloseTo(link.bler, 12);
    expect(r.phy!.onePassMs).toBeCloseTo(link.onePassS * 1000, 6);
    // The whole account equals the channel package's for this request's seed, and the edge held it.
    expect(r.phy).toEqual(imageLink(bits, IMAGE_BANDWIDTH_HZ, r.snrDbSet, r.seed).meta);
    expect(r.timings.txEmulatedMs).toBeCloseTo(r.phy!.txMs, 6);
    expect(r.phy!.txMs).toBeCloseTo((r.phy!.onePassMs! * r.phy!.harqRounds!) / r.phy!.blocks!, 6);
  }
  expect(new Set(records.map((r) => r.phy!.mcs!.cqi))).toEqual(new Set([1, 8]));
  // CQI 1 at −6 dB loses 2% of blocks: the requests that resent any held longer than one pass.
  const resent = records.filter((r) => r.phy!.harqRounds! > r.phy!.blocks!);
  expect(resent.length).toBeGreaterThan(0);
  for (const r of resent) expect(r.timings.txEmulatedMs!).toBeGreaterThan(r.phy!.onePassMs!);
}, 180_000);

/** The image's RGB bits: the edge sends width × height × 24 over the link (64×64: 9 blocks of 12 000). */
function imageBits(): number {
  const { width, height } = lab.pipeline.bundle.manifest.image;
  return width * height * 24;
}
