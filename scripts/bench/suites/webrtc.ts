/**
 * `npm run bench -- webrtc [--quick] [--payloads N] [--runs R] [--seeds S] [--packet-bytes B]`:
 * the real link's packet loss against the emulated packet channels. Latents (4×64×64 float32,
 * 64 packets each by default) go from the SFU (the real mediasoup worker) to headless Chromium
 * over an unreliable data channel (unordered, maxRetransmits 0) across a network namespace
 * whose bottleneck is a tc tbf (rate, burst, small queue), so packets are really dropped where
 * the queue overflows. The page's per-packet loss masks, in sending order, give the real loss
 * pattern.
 *
 * Control: the emulated channels of packages/channel on the same number of packets, seeded:
 * Bernoulli at the measured loss rate (explains the rate, not the bursts) and Gilbert–Elliott
 * fitted to the real trace (simple Gilbert model: loss only in bad; P(G→B) = P(loss | previous
 * received), P(B→G) = 1 − P(loss | previous lost)). Each row: median over runs (real) or seeds
 * (emulated) with a 95% interval (t-based, on the mean) of loss rate, mean and max burst length,
 * and P(loss | previous loss). Needs root, iproute2 and Chromium; says why not otherwise.
 * The real rows also carry the bottleneck's own drop count (tc) next to the page's loss count:
 * the page can lose more than tc dropped (packets that crossed the link and were not delivered
 * by the browser's SCTP stack), and that difference is reported, not hidden.
 * Why it differs: the worker's SCTP sender fills a datagram's room after a whole message with
 * the start of the next one, so one dropped datagram loses two messages (packages/sfu README).
 * `--packet-bytes` (element bytes per latent packet, default 1024) varies the message size for
 * that question; 540 makes two messages fill a datagram exactly (the congestion window can
 * still cut them, so it does not remove the effect).
 */
import { drawLosses, rngFor } from '@semaigc/channel';
import {
  DEFAULT_PACKET_BYTES,
  PACKET_HEADER_BYTES,
  type LossPattern,
  lossPattern,
} from '@semaigc/datachannel';
import { createShapedLink, shapedLinkSupport } from '@semaigc/sfu';
import { hasChromium } from '@semaigc/testkit';
import { startRtcHarness } from '../../../apps/receiver-web/test/helpers/webrtc-harness';
import { type Row, type SuiteContext, type SuiteResult, summarize } from '../harness';
import { numberArg, suiteArgs } from '../lib/args';

const ELEMENTS = 4 * 64 * 64;
const LINKS = [
  { name: 'tbf 2 Mbit/s, 6 kB queue', rateKbit: 2000, burstBytes: 4000, limitBytes: 6000 },
  { name: 'tbf 8 Mbit/s, 12 kB queue', rateKbit: 8000, burstBytes: 8000, limitBytes: 12000 },
];

/** Two-sided 95% t quantiles for n−1 degrees of freedom (n ≤ 30; 1.96 beyond). */
const T95 = [
  NaN,
  12.71,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
];

function ci95(xs: number[]): [number, number] {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return [mean, mean];
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const h = (T95[n - 1] ?? 1.96) * (sd / Math.sqrt(n));
  return [mean - h, mean + h];
}

function row(link: string, source: string, patterns: LossPattern[], extra: Record<string, number> = {}): Row {
  const r: Row = { link, source, n: patterns.length, packets: patterns[0]?.packets ?? 0 };
  const metrics: Array<[string, (p: LossPattern) => number]> = [
    ['lossRate', (p) => p.lossRate],
    ['meanBurst', (p) => p.meanBurst],
    ['maxBurst', (p) => p.maxBurst],
    ['pLossAfterLoss', (p) => p.pLossAfterLoss],
  ];
  for (const [name, f] of metrics) {
    const xs = patterns.map(f);
    const [lo, hi] = ci95(xs);
    r[name] = summarize(xs).median;
    r[`${name}CI`] = `${lo.toFixed(3)}…${hi.toFixed(3)}`;
  }
  return { ...r, ...extra };
}

/** Gilbert fit from a trace: P(G→B) = P(loss | prev received), P(B→G) = 1 − P(loss | prev lost). */
function fitGilbert(mask: Uint8Array): { pGoodToBad: number; pBadToGood: number } {
  let afterOk = 0;
  let lossAfterOk = 0;
  let afterLoss = 0;
  let lossAfterLoss = 0;
  for (let i = 1; i < mask.length; i++) {
    if (mask[i - 1]) {
      afterLoss++;
      lossAfterLoss += mask[i]!;
    } else {
      afterOk++;
      lossAfterOk += mask[i]!;
    }
  }
  return {
    pGoodToBad: afterOk > 0 ? lossAfterOk / afterOk : 0,
    pBadToGood: afterLoss > 0 ? 1 - lossAfterLoss / afterLoss : 1,
  };
}

interface RealRun {
  /** The page's loss mask over all packets of the run, in sending order. */
  mask: Uint8Array;
  /** Packets the tbf queue dropped during the run (all packets toward the page, not only latents). */
  tcDropped: number;
  /** Per received packet: one-way delay from the SFU's hand-over to the page's receipt, ms. */
  delaysMs: number[];
  /** The browser's own counts over the run: UDP packets its ICE transport got, messages its data channel delivered. */
  browserTransportRx: number;
  browserChannelDelivered: number;
}

async function realTrace(
  link: (typeof LINKS)[number],
  index: number,
  payloads: number,
  packetBytes: number,
): Promise<RealRun> {
  const shaped = createShapedLink({
    index,
    rateKbit: link.rateKbit,
    burstBytes: link.burstBytes,
    limitBytes: link.limitBytes,
  });
  try {
    const h = await startRtcHarness('unreliable', shaped, packetBytes);
    try {
      const masks: number[] = [];
      const delaysMs: number[] = [];
      const before = shaped.counters();
      const browserBefore = await h.page.evaluate(() => window.__rtc.linkStats());
      for (let i = 0; i < payloads; i++) {
        const latent = Float32Array.from({ length: ELEMENTS }, (_, k) => Math.sin(k * 0.37 + i));
        const { got } = await h.roundTrip(latent, 600);
        masks.push(...got.lost);
        delaysMs.push(...got.delaysMs);
      }
      const tcDropped = shaped.counters().droppedPackets - before.droppedPackets;
      const browserAfter = await h.page.evaluate(() => window.__rtc.linkStats());
      return {
        mask: Uint8Array.from(masks),
        tcDropped,
        delaysMs,
        browserTransportRx:
          (browserAfter.transportPacketsReceived ?? NaN) - (browserBefore.transportPacketsReceived ?? NaN),
        browserChannelDelivered:
          (browserAfter.channelMessagesReceived ?? NaN) - (browserBefore.channelMessagesReceived ?? NaN),
      };
    } finally {
      await h.close();
    }
  } finally {
    shaped.close();
  }
}

export default async function webrtc(ctx: SuiteContext): Promise<SuiteResult> {
  const o = suiteArgs(ctx.args, {
    payloads: { type: 'string' },
    runs: { type: 'string' },
    seeds: { type: 'string' },
    'packet-bytes': { type: 'string' },
  });
  const why = shapedLinkSupport() ?? (hasChromium() ? null : 'Chromium not installed');
  if (why) throw new Error(`webrtc bench needs a shaped link and Chromium: ${why}`);
  const payloads = numberArg(o.payloads, 'payloads', o.quick ? 8 : 30);
  const runs = numberArg(o.runs, 'runs', o.quick ? 2 : 5);
  const seeds = numberArg(o.seeds, 'seeds', o.quick ? 5 : 20);
  const packetBytes = numberArg(o['packet-bytes'], 'packet-bytes', DEFAULT_PACKET_BYTES);
  const packetsPerPayload = Math.ceil((ELEMENTS * 4) / packetBytes);
  const rows: Row[] = [];
  const traces: Record<string, number[][]> = {};
  let index = 1;
  for (const link of LINKS) {
    const runsDone: RealRun[] = [];
    for (let r = 0; r < runs; r++) {
      ctx.log(`${link.name}: run ${r + 1}/${runs}, ${payloads} payloads`);
      runsDone.push(await realTrace(link, index++, payloads, packetBytes));
    }
    const real = runsDone.map((r) => r.mask);
    traces[link.name] = real.map((m) => Array.from(m));
    const realPatterns = real.map((m) => lossPattern(m));
    const all = Uint8Array.from(real.flatMap((m) => Array.from(m)));
    const rate = lossPattern(all).lossRate;
    const ge = fitGilbert(all);
    const pageLost = realPatterns.reduce((a, p) => a + p.lost, 0);
    const tcDropped = runsDone.reduce((a, r) => a + r.tcDropped, 0);
    const delays = summarize(runsDone.flatMap((r) => r.delaysMs));
    rows.push(
      row(link.name, 'real link', realPatterns, {
        pageLost,
        tcDropped,
        browserTransportRx: runsDone.reduce((a, r) => a + r.browserTransportRx, 0),
        browserChannelDelivered: runsDone.reduce((a, r) => a + r.browserChannelDelivered, 0),
        delayMedianMs: delays.median,
        delayP90Ms: delays.p90,
      }),
    );
    const packets = real[0]!.length;
    const bern: LossPattern[] = [];
    const gil: LossPattern[] = [];
    for (let s = 0; s < seeds; s++) {
      bern.push(lossPattern(drawLosses({ kind: 'bernoulli', p: rate }, packets, rngFor(1000 + s, 'loss'))));
      gil.push(
        lossPattern(
          drawLosses(
            {
              kind: 'gilbert-elliott',
              pGoodToBad: ge.pGoodToBad,
              pBadToGood: ge.pBadToGood,
              lossGood: 0,
              lossBad: 1,
            },
            packets,
            rngFor(2000 + s, 'loss'),
          ),
        ),
      );
    }
    rows.push(row(link.name, 'Bernoulli (p = real rate)', bern, { p: rate }));
    rows.push(row(link.name, 'Gilbert-Elliott (fitted)', gil, { pGB: ge.pGoodToBad, pBG: ge.pBadToGood }));
  }
  return {
    rows,
    extra: {
      method:
        'unreliable data channel (ordered false, maxRetransmits 0, 5 s send-queue deadline), ' +
        `4x64x64 float32 latents in ${packetsPerPayload} packets of up to ${packetBytes + PACKET_HEADER_BYTES} bytes, ` +
        'one payload at a time (the page collects it, 600 ms quiet period), SFU on the host side of a veth pair, Chromium in the namespace; ' +
        'tbf on the host side; pageLost = packets the page never got, tcDropped = packets the tbf queue dropped (all traffic toward the page), ' +
        'browserTransportRx / browserChannelDelivered = UDP packets the browser ICE transport received / messages its data channel delivered (RTCPeerConnection stats), ' +
        'delay = SFU hand-over to page receipt (same host clock) of received packets. ' +
        'Emulated rows: packages/channel drawLosses on the same packet count, seeds 1000+/2000+.',
      payloadsPerRun: payloads,
      packetBytes,
      runs,
      seeds,
      lossMasks: traces,
    },
  };
}
