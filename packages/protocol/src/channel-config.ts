/**
 * Channel configuration as it travels on the wire (inside a generation request) and as a
 * trial config gives it. The channel package implements these models; the schema lives
 * here so that every message is validated in one place.
 *
 * Conventions (DESIGN.md): SNR is per element of the transmitted latent,
 * P = mean(x²), σ² = P / 10^(SNR_dB/10), Gaussian noise.
 */
import { z } from 'zod';
import { parseWith } from './validate';
import { phyMetaSchema } from './phy-meta';

/** Bounds on any SNR the testbed accepts, in dB. */
export const SNR_DB_MIN = -30;
export const SNR_DB_MAX = 60;
export const QUANT_BITS = [4, 8, 16] as const;
export const MODULATIONS = ['bpsk', 'qpsk', '16qam'] as const;
export const CODES = ['none', 'rep3', 'hamming74'] as const;

export const snrDb = z
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((v) => v >= SNR_DB_MIN && v <= SNR_DB_MAX, `must be within [${SNR_DB_MIN}, ${SNR_DB_MAX}] dB`);

const nonNegative = z.number().refine((v) => Number.isFinite(v) && v >= 0, 'must be a finite number >= 0');
const probability = z.number().refine((v) => v >= 0 && v <= 1, 'must be a probability in [0, 1]');

export const fadingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('rayleigh') }),
  z.object({ kind: z.literal('rician'), kFactor: nonNegative }),
]);

export const csiSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('perfect') }),
  /** CSI estimated from `pilots` known symbols sent at the same SNR. */
  z.object({ kind: z.literal('pilot'), pilots: z.number().int().min(1).max(65536) }),
]);

export const digitalSchema = z.object({
  bits: z.union(QUANT_BITS.map((b) => z.literal(b)) as [z.ZodLiteral<4>, z.ZodLiteral<8>, z.ZodLiteral<16>], {
    error: `must be one of ${QUANT_BITS.join(', ')}`,
  }),
  modulation: z.enum(MODULATIONS, { error: `must be one of ${MODULATIONS.join(', ')}` }),
  code: z.enum(CODES, { error: `must be one of ${CODES.join(', ')}` }).default('none'),
  /** Which ratio `snrDb` gives for digital links: energy per symbol or per bit. */
  snrIs: z.enum(['EsN0', 'EbN0']).default('EsN0'),
});

export const lossSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('bernoulli'), p: probability }),
  /** Two-state burst loss: P(good→bad), P(bad→good), loss probability in each state. */
  z.object({
    kind: z.literal('gilbert-elliott'),
    pGoodToBad: probability,
    pBadToGood: probability,
    lossGood: probability.default(0),
    lossBad: probability.default(1),
  }),
]);

export const packetSchema = z.object({
  loss: lossSchema.default({ kind: 'none' }),
  /** Payload bytes per packet when a latent is split for loss (default 1024). */
  packetBytes: z.number().int().min(16).max(65536).default(1024),
  delayMs: nonNegative.default(0),
  jitterMs: nonNegative.default(0),
});

export const linkSchema = z.object({
  /** Bandwidth B in Hz; v = B·log2(1 + SNR_linear). */
  bandwidthHz: z.number().refine((v) => Number.isFinite(v) && v > 0, 'must be a positive number of Hz'),
  /** Hold delivery for O/v so measured latency includes the transmission delay. */
  emulate: z.boolean().default(false),
});

export const channelConfigSchema = z.object({
  /** analog: latent elements are the channel symbols; digital: quantise + modulate; ideal: no impairment. */
  mode: z.enum(['ideal', 'analog', 'digital'], { error: 'must be one of ideal, analog, digital' }),
  snrDb,
  /** Scale to unit power before the channel and back after (analog). */
  normalize: z.boolean().default(true),
  fading: fadingSchema.default({ kind: 'none' }),
  equalizer: z.enum(['zf', 'mmse'], { error: 'must be one of zf, mmse' }).default('zf'),
  csi: csiSchema.default({ kind: 'perfect' }),
  digital: digitalSchema.optional(),
  packet: packetSchema.optional(),
  link: linkSchema.default({ bandwidthHz: 20e6, emulate: false }),
});

export type ChannelConfig = z.output<typeof channelConfigSchema>;
/** What a user writes: defaults may be left out. */
export type ChannelConfigInput = z.input<typeof channelConfigSchema>;

/** Validates and fills defaults; errors name the field (`snrDb: must be within …`). */
export function parseChannelConfig(value: unknown): ChannelConfig {
  const cfg = parseWith(channelConfigSchema, value, 'channel config');
  if (cfg.mode === 'digital' && !cfg.digital) {
    return parseWith(
      channelConfigSchema.refine(() => false, {
        path: ['digital'],
        message: 'is required when mode is digital',
      }),
      value,
      'channel config',
    );
  }
  return cfg;
}

/** How the SNR of a trial evolves from request to request. */
export const snrProcessSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), snrDb }),
  z.object({ kind: z.literal('uniform'), minDb: snrDb, maxDb: snrDb }),
  /** SNR_{k+1} = clamp(μ + ρ(SNR_k − μ) + σ√(1−ρ²)·w_k, min, max). */
  z.object({
    kind: z.literal('gauss-markov'),
    meanDb: snrDb,
    stdDb: nonNegative,
    rho: z.number().refine((v) => v >= 0 && v < 1, 'must be in [0, 1)'),
    minDb: snrDb,
    maxDb: snrDb,
  }),
  /** Rows of (time in s, SNR in dB), held piecewise constant; `path` is read by Node code. */
  z.object({
    kind: z.literal('trace'),
    rows: z
      .array(z.tuple([nonNegative, snrDb]))
      .min(1)
      .optional(),
    path: z.string().min(1).optional(),
  }),
  /** Steps through the listed values, one request each, cycling. */
  z.object({ kind: z.literal('sweep'), valuesDb: z.array(snrDb).min(1) }),
]);

export type SnrProcessConfig = z.output<typeof snrProcessSchema>;

export function parseSnrProcess(value: unknown): SnrProcessConfig {
  const p = parseWith(snrProcessSchema, value, 'SNR process');
  if ((p.kind === 'uniform' || p.kind === 'gauss-markov') && p.minDb > p.maxDb) {
    return parseWith(
      snrProcessSchema.refine(() => false, { path: ['minDb'], message: 'must be <= maxDb' }),
      value,
      'SNR process',
    );
  }
  if (p.kind === 'trace' && !p.rows && !p.path) {
    return parseWith(
      snrProcessSchema.refine(() => false, { path: ['rows'], message: 'a trace needs rows or path' }),
      value,
      'SNR process',
    );
  }
  return p;
}

/**
 * What the channel did to one latent, carried in the latent payload so the receiver's
 * noise-aware denoiser can use it. σ² is in latent units (after de-normalisation and
 * equalisation), i.e. the variance of the error the receiver should expect per element.
 */
export const channelMetaSchema = z.object({
  mode: z.enum(['ideal', 'analog', 'digital']),
  /** The SNR the channel was set to, dB. */
  snrDbSet: z.number(),
  /** 10·log10(P / mean((y' − y)²)) measured on this tensor; null for ideal. */
  snrDbMeasured: z.number().nullable(),
  /** Block-fading coefficient h = hRe + j·hIm (1 + 0j without fading). */
  hRe: z.number(),
  hIm: z.number(),
  /** Effective noise variance per element in latent units after equalisation (0 for ideal). */
  noiseVariance: nonNegative,
  fading: z.enum(['none', 'rayleigh', 'rician']),
  equalizer: z.enum(['zf', 'mmse']).nullable(),
  /** Measured bit error rate for digital links; null otherwise. */
  bitErrorRate: z.number().min(0).max(1).nullable(),
  /** Transmission time of the payload on the physical layer (phy.txMs / 1000), and whether it was emulated. */
  txSeconds: nonNegative,
  txEmulated: z.boolean(),
  /** The channel estimate ĥ the equaliser used (equals h with perfect CSI); absent without fading. */
  hEstRe: z.number().optional(),
  hEstIm: z.number().optional(),
  /** Packet impairments, when configured: packets sent and lost (lost elements are zero-filled). */
  packetsSent: z.number().int().min(0).optional(),
  packetsLost: z.number().int().min(0).optional(),
  /** Added network delay for the whole tensor (last packet's delay + jitter draw), seconds. */
  packetDelaySeconds: nonNegative.optional(),
  /** The physical layer's account of the transmission (phy-meta.ts); absent from older edges. */
  phy: phyMetaSchema.optional(),
});

export type ChannelMeta = z.output<typeof channelMetaSchema>;
