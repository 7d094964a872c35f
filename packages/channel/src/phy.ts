/**
 * One physical layer for latency and quality, used by the live edge (through `transmit` and
 * `imageLink`), by `semaigc trial run --sim` and by root's scenario simulator:
 *
 * | payload | how it crosses | time | errors |
 * | --- | --- | --- | --- |
 * | split latent (N real elements) | analog: ⌈N/2⌉ complex channel uses at symbol rate B | N/(2B) | AWGN at the SNR: what the split benchmark measured |
 * | digital latent (quantised, coded) | the configured modulation (m bits/symbol) and code | (coded bits + side info)/(m·B) | measured bit errors of that modulation and code |
 * | Edge AIGC image (O_img bits) | digital: the LTE CQI table's modulation and code for the SNR (10% block error target), HARQ until each block is received | O_img/(B·η_cqi) per transmission, blocks resent Geometric(1 − BLER) times | none left after HARQ (CRC), paid in time |
 * | Local AIGC | nothing crosses | 0 | none |
 *
 * η_cqi is the spectral efficiency (bits per channel use) of the highest CQI whose 10% BLER
 * SNR is at or below the link SNR (3GPP TS 36.213 Table 7.2.3-1 efficiencies; the SNR
 * thresholds are the usual AWGN link-level values). Below CQI 1's threshold the link
 * carries nothing usable; we then use CQI 1 and let the block error rate grow (`blockErrorRate`).
 * Shannon capacity is never charged: a link at capacity would be error-free, which is
 * inconsistent with the analog AWGN the quality was measured on.
 */
import type { PhyMeta } from '@semaigc/protocol';
import { checkSeed, rngFor } from './rng';

export interface CqiEntry {
  cqi: number;
  modulation: 'QPSK' | '16QAM' | '64QAM';
  /** Code rate × 1024. */
  codeRate1024: number;
  /** Bits per channel use (modulation order × code rate). */
  efficiency: number;
  /** SNR (dB) at which a block is received with 10% error probability (AWGN). */
  snrDb10: number;
}

export const LTE_CQI_TABLE: readonly CqiEntry[] = [
  { cqi: 1, modulation: 'QPSK', codeRate1024: 78, efficiency: 0.1523, snrDb10: -6.7 },
  { cqi: 2, modulation: 'QPSK', codeRate1024: 120, efficiency: 0.2344, snrDb10: -4.7 },
  { cqi: 3, modulation: 'QPSK', codeRate1024: 193, efficiency: 0.377, snrDb10: -2.3 },
  { cqi: 4, modulation: 'QPSK', codeRate1024: 308, efficiency: 0.6016, snrDb10: 0.2 },
  { cqi: 5, modulation: 'QPSK', codeRate1024: 449, efficiency: 0.877, snrDb10: 2.4 },
  { cqi: 6, modulation: 'QPSK', codeRate1024: 602, efficiency: 1.1758, snrDb10: 4.3 },
  { cqi: 7, modulation: '16QAM', codeRate1024: 378, efficiency: 1.4766, snrDb10: 5.9 },
  { cqi: 8, modulation: '16QAM', codeRate1024: 490, efficiency: 1.9141, snrDb10: 8.1 },
  { cqi: 9, modulation: '16QAM', codeRate1024: 616, efficiency: 2.4063, snrDb10: 10.3 },
  { cqi: 10, modulation: '64QAM', codeRate1024: 466, efficiency: 2.7305, snrDb10: 11.7 },
  { cqi: 11, modulation: '64QAM', codeRate1024: 567, efficiency: 3.3223, snrDb10: 14.1 },
  { cqi: 12, modulation: '64QAM', codeRate1024: 666, efficiency: 3.9023, snrDb10: 16.3 },
  { cqi: 13, modulation: '64QAM', codeRate1024: 772, efficiency: 4.5234, snrDb10: 18.7 },
  { cqi: 14, modulation: '64QAM', codeRate1024: 873, efficiency: 5.1152, snrDb10: 21.0 },
  { cqi: 15, modulation: '64QAM', codeRate1024: 948, efficiency: 5.5547, snrDb10: 22.7 },
];

export interface PhySpec {
  /** Real elements of the transmitted latent (4×64×64 in the paper). */
  latentElements: number;
  /** Bits of Edge AIGC's image. */
  imageBits: number;
  /** Transport block size of the digital link, bits (HARQ resends whole blocks). */
  blockBits: number;
  /** Block error rate at the chosen CQI's threshold (link adaptation target). */
  blerTarget: number;
}

export const DEFAULT_PHY: PhySpec = {
  latentElements: 4 * 64 * 64,
  imageBits: 512 * 512 * 3 * 8,
  blockBits: 12_000,
  blerTarget: 0.1,
};

/** A uniform draw in [0, 1) (root's Rng and a channel stream both provide one). */
export interface UniformSource {
  uniform(): number;
}

function checkBandwidth(bandwidthHz: number): void {
  if (!(bandwidthHz > 0) || !Number.isFinite(bandwidthHz)) {
    throw new TypeError(`bandwidthHz must be a positive number, got ${bandwidthHz}`);
  }
}

/** Complex channel uses of an analog latent of `elements` reals (an odd last element is paired with 0). */
export function analogChannelUses(elements: number): number {
  if (!Number.isInteger(elements) || elements < 0)
    throw new TypeError(`latent elements must be an integer >= 0, got ${elements}`);
  return Math.ceil(elements / 2);
}

/** Analog latent: N real elements in N/2 complex channel uses at B symbols/s. */
export function analogLatentS(phy: Pick<PhySpec, 'latentElements'>, bandwidthHz: number): number {
  checkBandwidth(bandwidthHz);
  return analogChannelUses(phy.latentElements) / bandwidthHz;
}

/** The CQI the link adapts to at `snrDb`: the highest whose 10% BLER threshold is ≤ snrDb (CQI 1 below all). */
export function cqiFor(snrDb: number): CqiEntry {
  if (!Number.isFinite(snrDb)) throw new TypeError(`snrDb must be finite, got ${snrDb}`);
  let best = LTE_CQI_TABLE[0]!;
  for (const e of LTE_CQI_TABLE) if (e.snrDb10 <= snrDb) best = e;
  return best;
}

/**
 * Block error rate at `snrDb` on `entry`: the target at the threshold, falling tenfold per
 * 1 dB above it (the steep waterfall of a turbo-coded block), rising the same way below it
 * (only CQI 1 is ever used below its threshold), capped at 0.99.
 */
export function blockErrorRate(phy: Pick<PhySpec, 'blerTarget'>, entry: CqiEntry, snrDb: number): number {
  return Math.min(0.99, phy.blerTarget * 10 ** -(snrDb - entry.snrDb10));
}

export interface DigitalLink {
  cqi: CqiEntry;
  bler: number;
  /** One transmission of every block, s. */
  onePassS: number;
  /** Expected time with HARQ: onePass / (1 − BLER), s. */
  expectedS: number;
}

/** The digital link for `bits` at `snrDb` over bandwidth B. */
export function digitalLink(
  phy: Pick<PhySpec, 'blerTarget'>,
  bits: number,
  bandwidthHz: number,
  snrDb: number,
): DigitalLink {
  checkBandwidth(bandwidthHz);
  const cqi = cqiFor(snrDb);
  const bler = blockErrorRate(phy, cqi, snrDb);
  const onePassS = bits / (bandwidthHz * cqi.efficiency);
  return { cqi, bler, onePassS, expectedS: onePassS / (1 - bler) };
}

/** Transport blocks of a `bits` payload. */
export function blocksOf(phy: Pick<PhySpec, 'blockBits'>, bits: number): number {
  return Math.max(1, Math.ceil(bits / phy.blockBits));
}

/** Transmissions of every block until each is received (each Geometric(1 − BLER) by inversion). */
export function sampleHarqSends(
  phy: Pick<PhySpec, 'blockBits'>,
  link: DigitalLink,
  bits: number,
  rng: UniformSource,
): number {
  const blocks = blocksOf(phy, bits);
  let sends = 0;
  for (let b = 0; b < blocks; b++) {
    // sends ≥ 1, P(sends > k) = BLER^k.
    const u = rng.uniform();
    sends += link.bler <= 0 ? 1 : 1 + Math.floor(Math.log(1 - u) / Math.log(link.bler));
  }
  return sends;
}

/** One realisation of the HARQ time: each block is sent until received (Geometric(1 − BLER)). */
export function sampleDigitalS(
  phy: Pick<PhySpec, 'blockBits'>,
  link: DigitalLink,
  bits: number,
  rng: UniformSource,
): number {
  return (sampleHarqSends(phy, link, bits, rng) * link.onePassS) / blocksOf(phy, bits);
}

/** What the analog link did, for the record: channel uses and their time at B symbols/s. */
export function analogPhyMeta(elements: number, bandwidthHz: number): PhyMeta {
  checkBandwidth(bandwidthHz);
  const channelUses = analogChannelUses(elements);
  return {
    link: 'analog',
    symbolRateHz: bandwidthHz,
    channelUses,
    txMs: (channelUses / bandwidthHz) * 1000,
    mcs: null,
    bler: null,
    blocks: null,
    harqRounds: null,
    onePassMs: null,
  };
}

export interface ImageLinkResult {
  /** Seconds the image's blocks occupied the link, retransmissions included. */
  seconds: number;
  meta: PhyMeta;
}

/**
 * Edge AIGC's image over the adapted digital link: the CQI for `snrDb`, every block resent
 * until received (HARQ draws from the seed's `harq` stream, so a request's retransmissions
 * are reproducible). No bit errors remain (CRC); they are paid in time.
 */
export function imageLink(
  bits: number,
  bandwidthHz: number,
  snrDb: number,
  seed: number,
  phy: Pick<PhySpec, 'blockBits' | 'blerTarget'> = DEFAULT_PHY,
): ImageLinkResult {
  if (!Number.isFinite(bits) || bits <= 0) throw new TypeError(`image bits must be > 0, got ${bits}`);
  const s = rngFor(checkSeed(seed, 'seed'), 'harq');
  const link = digitalLink(phy, bits, bandwidthHz, snrDb);
  const blocks = blocksOf(phy, bits);
  const harqRounds = sampleHarqSends(phy, link, bits, { uniform: () => s.nextFloat() });
  const seconds = (harqRounds * link.onePassS) / blocks;
  return {
    seconds,
    meta: {
      link: 'digital',
      symbolRateHz: bandwidthHz,
      channelUses: Math.ceil((harqRounds * bits) / blocks / link.cqi.efficiency),
      txMs: seconds * 1000,
      mcs: { cqi: link.cqi.cqi, modulation: link.cqi.modulation, codeRate: link.cqi.codeRate1024 / 1024 },
      bler: link.bler,
      blocks,
      harqRounds,
      onePassMs: link.onePassS * 1000,
    },
  };
}
