/**
 * The channel as the edge calls it: `createChannel(config)` validates once, then
 * `transmit(latent, { seed })` corrupts one latent and describes what it did (`ChannelMeta`).
 * Pure and synchronous; the caller holds delivery for `holdSeconds` (see `holdDelivery`).
 *
 * Streams: noise, fading, pilot, loss and delay each come from (seed, purpose), so e.g.
 * switching fading on does not change the noise realisation.
 */
import { parseChannelConfig, type ChannelConfig, type ChannelMeta, type PhyMeta } from '@semaigc/protocol';
import { analogChannel } from './analog';
import { countBitErrors, digitalChannel, digitalEsN0Db } from './digital';
import type { Complex } from './fading';
import { DEFAULT_SLEEP, type SleepFn } from './link';
import { analogPhyMeta, imageLink } from './phy';
import { bitsPerSymbol } from './theory';
import { meanSquaredError, measuredSnrDb, signalPower } from './measure';
import { applyPacketImpairments, type PacketOutcome } from './packet';
import { SIDE_INFO_BITS } from './quantize';
import { checkSeed, rngFor, type StreamPurpose, type Xoshiro128 } from './rng';

/**
 * Bits per element of the latent as float32 on the wire between processes (payload sizes);
 * the radio link carries analog latents as symbols, not bits (phy.ts).
 */
export const ANALOG_BITS_PER_ELEMENT = 32;

export interface TransmitOptions {
  /** One seed per request: same seed and config give bit-identical output. */
  seed: number;
}

export interface TransmitResult {
  output: Float32Array;
  meta: ChannelMeta;
  /** Per element: 1 where zero-filled because its packet was lost; null without packet impairments. */
  erased: Uint8Array | null;
  /** What the caller should wait before delivering: txSeconds when emulating, plus packet delay. */
  holdSeconds: number;
}

export interface Channel {
  readonly config: ChannelConfig;
  transmit(latent: Float32Array, options: TransmitOptions): TransmitResult;
}

interface Core {
  output: Float32Array;
  noiseVariance: number | null;
  h: Complex;
  hEst: Complex | null;
  equalizer: ChannelMeta['equalizer'];
  bitsPerElement: number;
  /** Digital links: coded bits + side info; null for analog and ideal (sent as symbols). */
  payloadBits: number | null;
  linkSnrDb: number;
  bitErrors: ((erased: Uint8Array | null) => number | null) | null;
}

function checkLatent(latent: unknown): asserts latent is Float32Array {
  if (!(latent instanceof Float32Array)) throw new TypeError('latent must be a Float32Array');
  if (latent.length === 0) throw new TypeError('latent must not be empty');
}

function streamsFor(seed: number): (p: StreamPurpose) => Xoshiro128 {
  return (p) => rngFor(seed, p);
}

function runCore(
  cfg: ChannelConfig,
  x: Float32Array,
  power: number,
  stream: (p: StreamPurpose) => Xoshiro128,
): Core {
  const base = { h: { re: 1, im: 0 }, hEst: null, equalizer: null, bitErrors: null };
  if (cfg.mode === 'ideal' || (cfg.mode === 'analog' && power === 0)) {
    return {
      ...base,
      output: x.slice(),
      noiseVariance: 0,
      bitsPerElement: ANALOG_BITS_PER_ELEMENT,
      payloadBits: null,
      linkSnrDb: cfg.snrDb,
    };
  }
  const streams = { noise: stream('noise'), fading: () => stream('fading'), pilot: () => stream('pilot') };
  if (cfg.mode === 'analog') {
    const r = analogChannel(x, cfg, power, streams);
    return {
      ...base,
      ...r,
      bitsPerElement: ANALOG_BITS_PER_ELEMENT,
      payloadBits: null,
      linkSnrDb: cfg.snrDb,
    };
  }
  const d = cfg.digital;
  if (!d) throw new TypeError('digital mode needs config.digital'); // parseChannelConfig rejects this first
  const r = digitalChannel(x, cfg, d, streams);
  return {
    output: r.output,
    noiseVariance: null, // measured below
    h: r.h,
    hEst: r.hEst,
    equalizer: cfg.fading.kind === 'none' ? null : 'zf',
    bitsPerElement: d.bits,
    payloadBits: r.codedBits + SIDE_INFO_BITS,
    linkSnrDb: digitalEsN0Db(cfg.snrDb, d),
    bitErrors: (erased) => {
      const c = countBitErrors(r.sent, r.received, erased);
      return c.bits > 0 ? c.errors / c.bits : null;
    },
  };
}

/**
 * The physical layer's account (phy.ts): an analog or ideal latent takes ⌈N/2⌉ channel uses;
 * a digital one its coded bits over the configured modulation, one symbol per channel use
 * (its bit errors are in `bitErrorRate`; the configured code is not an LTE MCS, so `mcs` is null).
 */
function phyOf(cfg: ChannelConfig, elements: number, payloadBits: number | null): PhyMeta {
  const B = cfg.link.bandwidthHz;
  if (payloadBits === null || !cfg.digital) return analogPhyMeta(elements, B);
  const channelUses = Math.ceil(payloadBits / bitsPerSymbol(cfg.digital.modulation));
  return { ...analogPhyMeta(0, B), link: 'digital', channelUses, txMs: (channelUses / B) * 1000 };
}

function transmitWith(cfg: ChannelConfig, latent: Float32Array, options: TransmitOptions): TransmitResult {
  checkLatent(latent);
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object with a seed');
  const seed = checkSeed(options.seed, 'options.seed');
  const stream = streamsFor(seed);
  const power = signalPower(latent);
  const core = runCore(cfg, latent, power, stream);

  let packets: PacketOutcome | null = null;
  if (cfg.packet && cfg.mode !== 'ideal') {
    packets = applyPacketImpairments(
      core.output,
      core.bitsPerElement,
      cfg.packet,
      stream('loss'),
      stream('delay'),
    );
  }
  const erased = packets?.erased ?? null;
  const mse = cfg.mode === 'ideal' ? 0 : meanSquaredError(latent, core.output, erased);
  const phy = phyOf(cfg, latent.length, core.payloadBits);
  const txSeconds = phy.txMs / 1000;

  const meta: ChannelMeta = {
    mode: cfg.mode,
    snrDbSet: cfg.snrDb,
    snrDbMeasured: cfg.mode === 'ideal' ? null : measuredSnrDb(power, mse),
    hRe: core.h.re,
    hIm: core.h.im,
    noiseVariance: core.noiseVariance ?? (Number.isFinite(mse) ? mse : 0),
    fading: cfg.mode === 'ideal' ? 'none' : cfg.fading.kind,
    equalizer: core.equalizer,
    bitErrorRate: core.bitErrors ? core.bitErrors(erased) : null,
    txSeconds,
    txEmulated: cfg.link.emulate,
    phy,
  };
  if (core.hEst) {
    meta.hEstRe = core.hEst.re;
    meta.hEstIm = core.hEst.im;
  }
  if (packets) {
    meta.packetsSent = packets.packets;
    meta.packetsLost = packets.lostCount;
    meta.packetDelaySeconds = packets.delaySeconds;
  }
  const holdSeconds = (cfg.link.emulate ? txSeconds : 0) + (packets?.delaySeconds ?? 0);
  return { output: core.output, meta, erased, holdSeconds };
}

/**
 * Validates `config` (a `ChannelConfig` or what a user writes; errors name the field) and
 * returns a channel that transmits latents with it.
 */
export function createChannel(config: unknown): Channel {
  const cfg = parseChannelConfig(config);
  return { config: cfg, transmit: (latent, options) => transmitWith(cfg, latent, options) };
}

/** One-shot `createChannel(config).transmit(latent, options)`. */
export function transmit(latent: Float32Array, config: unknown, options: TransmitOptions): TransmitResult {
  return createChannel(config).transmit(latent, options);
}

export interface ImageTransmission {
  /** mode `ideal` (no errors are left after HARQ); `phy` says what the link did. */
  meta: ChannelMeta;
  /** The HARQ time when emulating, else 0. */
  holdSeconds: number;
}

/**
 * Edge AIGC: `bits` of image over the digital link adapted to `config.snrDb` (phy.ts
 * `imageLink`): delivered error-free, every block resent until received, the retransmissions
 * paid in time. HARQ draws come from the seed's `harq` stream.
 */
export function transmitImage(bits: number, config: unknown, options: TransmitOptions): ImageTransmission {
  const cfg = parseChannelConfig(config);
  const seed = checkSeed(options?.seed, 'options.seed');
  const link = imageLink(bits, cfg.link.bandwidthHz, cfg.snrDb, seed);
  return {
    meta: {
      mode: 'ideal',
      snrDbSet: cfg.snrDb,
      snrDbMeasured: null,
      hRe: 1,
      hIm: 0,
      noiseVariance: 0,
      fading: 'none',
      equalizer: null,
      bitErrorRate: null,
      txSeconds: link.seconds,
      txEmulated: cfg.link.emulate,
      phy: link.meta,
    },
    holdSeconds: cfg.link.emulate ? link.seconds : 0,
  };
}

/** Waits `result.holdSeconds` (injected sleep for tests); resolves to the seconds held. */
export async function holdDelivery(
  result: Pick<TransmitResult, 'holdSeconds'>,
  sleep: SleepFn = DEFAULT_SLEEP,
): Promise<number> {
  if (result.holdSeconds > 0) await sleep(result.holdSeconds * 1000);
  return result.holdSeconds;
}
