/**
 * Trials with WebRTC delivery, end to end: a real nats-server, the coordinator with its SFU
 * (the real mediasoup worker), an edge on the real bundle, and the receiver page in headless
 * Chromium joined as a phone. The latent's elements travel as data-channel packets, its header
 * over socket.io; the records must say which transport was used and count the packets.
 *
 * - loopback, reliable: every latent over WebRTC, nothing lost;
 * - a page that cannot use WebRTC (`webrtc=off`), or whose path never connects: the trial
 *   still runs, over socket.io, and each record says so and why;
 * - unreliable across a network namespace whose tc tbf bottleneck really drops packets: per
 *   record, the coordinator's packets sent − the page's received = lost; some are lost; the
 *   page's own tally equals the records' sums.
 *
 * The SFU cuts latents into small packets here (`packetBytes` 16, 4 elements each) so the
 * bundle's 4×8×8 latent is 64 packets (about 4 kB with SCTP's chunk headers), not one, and
 * each payload's burst can overflow a bottleneck whose bucket and queue hold about 3 kB.
 */
import type { RecordMessage } from '@semaigc/protocol';
import { createShapedLink, shapedLinkSupport } from '@semaigc/sfu';
import { hasChromium } from '@semaigc/testkit';
import { startWebRtcLab, type WebRtcLab } from './helpers/webrtc-trial';

jest.setTimeout(300_000);

const PACKET_BYTES = 16;
/** The bundle's 4×8×8 latent in packets of PACKET_BYTES / 4 elements. */
const PACKETS = (4 * 8 * 8) / (PACKET_BYTES / 4);

function trial(nodeId: string, mode: 'reliable' | 'unreliable', requests: number): Record<string, unknown> {
  return {
    name: `webrtc-${mode}`,
    prompts: [
      'a large red circle in the centre on a blue background',
      'a small white star on the left on a black background',
    ],
    totalSteps: 6,
    policy: { kind: 'fixed', edgeSteps: 3 },
    snr: { kind: 'constant', snrDb: 10 },
    requestsPerReceiver: requests,
    receivers: { ids: [nodeId], waitS: 30 },
    latency: { minS: 1, maxS: 20, failureS: 120 },
    delivery: { transport: 'webrtc', mode },
  };
}

/** Every record came over WebRTC, and its counts add up (coordinator's sent, page's received and lost). */
function checkWebRtcRecords(records: RecordMessage[], mode: string): { received: number; lost: number } {
  let received = 0;
  let lost = 0;
  for (const r of records) {
    expect(r.failed).toBe(false);
    const d = r.delivery!;
    expect(d).toMatchObject({ transport: 'webrtc', requested: 'webrtc', mode });
    expect(d.fallback).toBeUndefined();
    expect(d.packetsSent).toBe(PACKETS);
    expect(d.packetsSent! - d.packetsReceived!).toBe(d.packetsLost);
    if (d.packetsReceived! > 0) {
      expect(Number.isFinite(d.delayMsMedian)).toBe(true);
      expect(d.delayMsMax!).toBeGreaterThanOrEqual(d.delayMsMedian!);
    } else expect(d.delayMsMedian).toBeNull();
    received += d.packetsReceived!;
    lost += d.packetsLost!;
  }
  return { received, lost };
}

const describeBrowser = hasChromium() ? describe : describe.skip;
if (!hasChromium()) process.stderr.write('webrtc-trial.test: skipped, no Chromium\n');

describeBrowser('trials with WebRTC delivery (loopback)', () => {
  let lab: WebRtcLab | null = null;
  afterEach(async () => {
    await lab?.close();
    lab = null;
  });

  test('reliable: every latent over a WebRTC data channel, none lost, records and page agree', async () => {
    lab = await startWebRtcLab({ sfu: { packetBytes: PACKET_BYTES } });
    const summary = await lab.coordinator.runTrial(trial(lab.nodeId, 'reliable', 3));
    const records = lab.records(summary.trialId);
    expect(records).toHaveLength(3);
    const { received, lost } = checkWebRtcRecords(records, 'reliable');
    expect(lost).toBe(0);
    expect(received).toBe(3 * PACKETS);
    expect(await lab.pageTally()).toMatchObject({
      state: 'open',
      payloads: 3,
      packetsReceived: received,
      packetsLost: 0,
    });
    expect(lab.coordinator.webrtcReceivers()).toEqual([lab.nodeId]);
  });

  test('a page that cannot use WebRTC gets its latents over socket.io, and the records say why', async () => {
    lab = await startWebRtcLab({ sfu: { packetBytes: PACKET_BYTES }, pageQuery: 'webrtc=off' });
    const summary = await lab.coordinator.runTrial(trial(lab.nodeId, 'unreliable', 2));
    const records = lab.records(summary.trialId);
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(r.failed).toBe(false);
      const { fallback, ...rest } = r.delivery!;
      expect(rest).toEqual({ transport: 'socket', requested: 'webrtc' });
      expect(fallback).toMatch(/the page has no WebRTC path: switched off in the page URL/);
    }
    expect(await lab.pageTally()).toMatchObject({ state: 'unavailable', payloads: 0 });
    expect(lab.coordinator.webrtcReceivers()).toEqual([]);
  });

  test('a page whose WebRTC path never connects gives up, and its latents come over socket.io', async () => {
    // The SFU announces a loopback address nothing listens on: ICE cannot reach it.
    lab = await startWebRtcLab({ sfu: { packetBytes: PACKET_BYTES, announcedAddress: '127.0.0.2' } });
    const summary = await lab.coordinator.runTrial(trial(lab.nodeId, 'unreliable', 1));
    const [r] = lab.records(summary.trialId);
    expect(r?.failed).toBe(false);
    const { fallback, ...rest } = r!.delivery!;
    expect(rest).toEqual({ transport: 'socket', requested: 'webrtc' });
    expect(fallback).toMatch(/the page has no WebRTC path: opening failed: not connected after 15000 ms/);
    expect(await lab.pageTally()).toMatchObject({ state: 'unavailable', payloads: 0 });
    expect(lab.coordinator.webrtcReceivers()).toEqual([]);
  });
});

const linkSupport = shapedLinkSupport();
const describeLink = hasChromium() && linkSupport === null ? describe : describe.skip;
if (linkSupport) process.stderr.write(`webrtc-trial.test: bottleneck test skipped: ${linkSupport}\n`);

describeLink('a WebRTC trial across a tbf bottleneck that drops packets', () => {
  test('unreliable: records count the real drops; sent - received = lost per record; the page agrees', async () => {
    // Wide while the page loads the model over the same link, then the bottleneck: 100 kbit/s
    // with a bucket and a queue of about one full-size frame each.
    const link = createShapedLink({
      index: 17,
      rateKbit: 1_000_000,
      burstBytes: 1_000_000,
      limitBytes: 1_000_000,
    });
    let lab: WebRtcLab | null = null;
    try {
      lab = await startWebRtcLab({ link, sfu: { packetBytes: PACKET_BYTES } });
      link.reshape({ rateKbit: 100, burstBytes: 1600, limitBytes: 1600 });
      const before = link.counters();
      const summary = await lab.coordinator.runTrial(trial(lab.nodeId, 'unreliable', 6));
      const dropped = link.counters().droppedPackets - before.droppedPackets;
      const records = lab.records(summary.trialId);
      if (process.env['SEMAIGC_DEBUG_RTC']) {
        process.stderr.write(`tc dropped ${dropped}; ${JSON.stringify(records.map((r) => r.delivery))}\n`);
      }
      expect(records).toHaveLength(6);
      const { received, lost } = checkWebRtcRecords(records, 'unreliable');
      expect(dropped).toBeGreaterThan(0);
      expect(lost).toBeGreaterThan(0);
      expect(records.some((r) => r.delivery!.packetsLost! > 0)).toBe(true);
      // The page's own tally of the payloads it assembled is what the records hold.
      expect(await lab.pageTally()).toMatchObject({
        state: 'open',
        payloads: 6,
        packetsReceived: received,
        packetsLost: lost,
      });
    } finally {
      await lab?.close();
      link.close();
    }
  });
});
