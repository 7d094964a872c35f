/**
 * Packet impairments at the transport layer. The delivered latent is carried in packets of
 * `packetBytes` of application payload (4 bytes per element for analog latents, q bits per
 * element for digital ones); a lost packet's elements are zero-filled (zero is the latent
 * prior's mean) and flagged in an erasure mask. All draws are seeded.
 *   Bernoulli        each packet lost independently with probability p
 *   Gilbert–Elliott  a two-state Markov chain (good, bad), P(G→B), P(B→G), loss probability
 *                    per state; started from its stationary law π_B = P(G→B)/(P(G→B)+P(B→G))
 *   delay + jitter   per packet d = max(0, delay + jitter·u), u ~ U[−1, 1] (netem's default shape)
 */
import type { ChannelConfig } from '@semaigc/protocol';
import type { Xoshiro128 } from './rng';

export type PacketConfig = NonNullable<ChannelConfig['packet']>;
export type LossConfig = PacketConfig['loss'];

/** Elements per packet for `bitsPerElement`-bit elements (at least one). */
export function elementsPerPacket(packetBytes: number, bitsPerElement: number): number {
  return Math.max(1, Math.floor((packetBytes * 8) / bitsPerElement));
}

/** Number of packets needed for `elements` elements. */
export function packetCount(elements: number, perPacket: number): number {
  return Math.ceil(elements / perPacket);
}

/** Stationary probability of the bad state (0 when the chain never leaves good). */
export function gilbertElliottBadShare(pGoodToBad: number, pBadToGood: number): number {
  const s = pGoodToBad + pBadToGood;
  return s > 0 ? pGoodToBad / s : 0;
}

/** Long-run fraction of packets lost under `loss`. */
export function expectedLossRate(loss: LossConfig): number {
  switch (loss.kind) {
    case 'none':
      return 0;
    case 'bernoulli':
      return loss.p;
    case 'gilbert-elliott': {
      const bad = gilbertElliottBadShare(loss.pGoodToBad, loss.pBadToGood);
      return (1 - bad) * loss.lossGood + bad * loss.lossBad;
    }
  }
}

/** Loss mask for `packets` packets: 1 = lost. */
export function drawLosses(loss: LossConfig, packets: number, rng: Xoshiro128): Uint8Array {
  const lost = new Uint8Array(packets);
  switch (loss.kind) {
    case 'none':
      break;
    case 'bernoulli':
      for (let k = 0; k < packets; k++) lost[k] = rng.nextFloat() < loss.p ? 1 : 0;
      break;
    case 'gilbert-elliott': {
      let bad = rng.nextFloat() < gilbertElliottBadShare(loss.pGoodToBad, loss.pBadToGood);
      for (let k = 0; k < packets; k++) {
        lost[k] = rng.nextFloat() < (bad ? loss.lossBad : loss.lossGood) ? 1 : 0;
        bad = rng.nextFloat() < (bad ? 1 - loss.pBadToGood : loss.pGoodToBad);
      }
      break;
    }
  }
  return lost;
}

/** Per-packet network delay in seconds. */
export function drawDelays(
  packets: number,
  delayMs: number,
  jitterMs: number,
  rng: Xoshiro128,
): Float64Array {
  const d = new Float64Array(packets);
  for (let k = 0; k < packets; k++) {
    const ms = delayMs + (jitterMs > 0 ? jitterMs * (2 * rng.nextFloat() - 1) : 0);
    d[k] = Math.max(0, ms) / 1000;
  }
  return d;
}

export interface PacketOutcome {
  packets: number;
  lost: Uint8Array;
  /** Per element: 1 where the element's packet was lost (and the element zero-filled). */
  erased: Uint8Array;
  lostCount: number;
  /** The largest per-packet delay: when the last packet has arrived or is known lost. */
  delaySeconds: number;
}

/**
 * Applies `packet` to `output` in place: draws losses (from `lossRng`) and delays (from
 * `delayRng`), zero-fills the elements of lost packets and returns the erasure mask.
 */
export function applyPacketImpairments(
  output: Float32Array,
  bitsPerElement: number,
  packet: PacketConfig,
  lossRng: Xoshiro128,
  delayRng: Xoshiro128,
): PacketOutcome {
  const per = elementsPerPacket(packet.packetBytes, bitsPerElement);
  const packets = packetCount(output.length, per);
  const lost = drawLosses(packet.loss, packets, lossRng);
  const erased = new Uint8Array(output.length);
  let lostCount = 0;
  for (let k = 0; k < packets; k++) {
    if (!lost[k]) continue;
    lostCount++;
    const end = Math.min(output.length, (k + 1) * per);
    output.fill(0, k * per, end);
    erased.fill(1, k * per, end);
  }
  const delays = drawDelays(packets, packet.delayMs, packet.jitterMs, delayRng);
  let delaySeconds = 0;
  for (const d of delays) delaySeconds = Math.max(delaySeconds, d);
  return { packets, lost, erased, lostCount, delaySeconds };
}
