/**
 * Latents to a real headless Chromium over WebRTC data channels through the real mediasoup
 * worker: reliable and unreliable on loopback, and unreliable across a network namespace whose
 * tbf bottleneck (rate + small queue) really drops packets. What the page counts as lost must
 * be what the SFU sent minus what the page received (a packet that came after its payload was
 * collected counts as lost there and as received here), and every received element must be exact.
 */
import { createShapedLink, shapedLinkSupport } from '@semaigc/sfu';
import { hasChromium } from '@semaigc/testkit';
import { type RtcHarness, startRtcHarness } from './helpers/webrtc-harness';

jest.setTimeout(120_000);

function latentOf(elements: number, salt: number): Float32Array {
  return Float32Array.from({ length: elements }, (_, i) => Math.sin(i * 0.37 + salt) * 2 + salt);
}

/**
 * Received packets carry the exact elements; lost ones are zero. Adds the sequence numbers of
 * the lost packets to `lostSeqs` and returns how many there were.
 */
function checkPayload(
  latent: Float32Array,
  sent: { firstSeq: number },
  got: { data: number[]; lost: number[]; packetsLost: number },
  perPacket: number,
  lostSeqs: Set<number>,
): number {
  for (let k = 0; k < got.lost.length; k++) {
    const from = k * perPacket;
    const to = Math.min(latent.length, from + perPacket);
    const want = got.lost[k] ? new Float32Array(to - from) : latent.subarray(from, to);
    expect(Float32Array.from(got.data.slice(from, to))).toEqual(want);
    if (got.lost[k]) lostSeqs.add(sent.firstSeq + k);
  }
  expect(got.lost.reduce((a, b) => a + b, 0)).toBe(got.packetsLost);
  return got.packetsLost;
}

/**
 * The page's loss records against what the SFU sent and the page received overall: a packet
 * recorded lost either never arrived or arrived after its payload was collected (late, an
 * erasure all the same); nothing else is missing or counted twice.
 */
async function checkTotals(h: RtcHarness, lost: number, lostSeqs: Set<number>): Promise<void> {
  const counts = await h.pageCounts();
  expect(counts.malformed).toBe(0);
  const late = counts.receivedSeqs.filter((s) => lostSeqs.has(s)).length;
  expect(lost - late).toBe(h.sfu.stats(h.receiverId).packetsSent - counts.packetsReceived);
}

const describeBrowser = hasChromium() ? describe : describe.skip;

describeBrowser('WebRTC data channels to Chromium (loopback)', () => {
  for (const mode of ['reliable', 'unreliable'] as const) {
    test(`${mode}: latents arrive exactly; page loss = SFU sent - page received`, async () => {
      const h: RtcHarness = await startRtcHarness(mode);
      try {
        let lost = 0;
        const lostSeqs = new Set<number>();
        for (let i = 0; i < 5; i++) {
          const latent = latentOf(4 * 32 * 32, i);
          const { sent, got } = await h.roundTrip(latent);
          expect(got.packetsSent).toBe(sent.packets);
          expect(got.delaysMs.every((d) => d >= 0 && d < 60_000)).toBe(true);
          lost += checkPayload(latent, sent, got, 256, lostSeqs);
        }
        await checkTotals(h, lost, lostSeqs);
        if (mode === 'reliable') expect(lost).toBe(0);
      } finally {
        await h.close();
      }
    });
  }
});

const linkSupport = shapedLinkSupport();
const describeLink = hasChromium() && linkSupport === null ? describe : describe.skip;

describeLink(
  `unreliable data channel across a tbf bottleneck${linkSupport ? ` (skipped: ${linkSupport})` : ''}`,
  () => {
    test('the bottleneck drops packets; the page counts exactly the packets that did not arrive in time', async () => {
      const link = createShapedLink({ index: 16, rateKbit: 2000, burstBytes: 4000, limitBytes: 6000 });
      let h: RtcHarness | null = null;
      try {
        h = await startRtcHarness('unreliable', link);
        const before = link.counters();
        let lost = 0;
        const lostSeqs = new Set<number>();
        for (let i = 0; i < 12; i++) {
          const latent = latentOf(4 * 64 * 64, i);
          const { sent, got } = await h.roundTrip(latent, 600);
          expect(got.packetsSent).toBe(sent.packets);
          lost += checkPayload(latent, sent, got, 256, lostSeqs);
        }
        const after = link.counters();
        expect(after.droppedPackets - before.droppedPackets).toBeGreaterThan(0);
        expect(lost).toBeGreaterThan(0);
        await checkTotals(h, lost, lostSeqs);
      } finally {
        await h?.close();
        link.close();
      }
    });
  },
);
