/**
 * @semaigc/channel: seeded, reproducible channel models for the semantic latent (browser and
 * Node). See README.md for the models, their formulas and the conventions.
 */
export * from './config';
export * from './errors';
export { checkSeed, rngFor, Xoshiro128, MAX_SEED, type StreamPurpose } from './rng';
export { gaussian, fillGaussian, addGaussianNoise } from './gaussian';
export { erfc, qfunc, normalCdf } from './special';
export * from './theory';
export { drawFading, type Complex } from './fading';
export { estimateCsi, type CsiEstimate } from './csi';
export { designEqualizer, applyFadingChannel, type Equalizer, type EqualizerKind } from './equalizer';
export { analogChannel, type AnalogResult } from './analog';
export { quantize, dequantize, codesToBits, bitsToCodes, SIDE_INFO_BITS, type Quantized } from './quantize';
export { modulate, demodulate, symbolCount } from './modem';
export { encode, decode, codedLength } from './codes';
export { digitalChannel, digitalEsN0Db, transmitBits, countBitErrors, type DigitalConfig } from './digital';
export * from './packet';
export * from './link';
export * from './phy';
export * from './trace';
export * from './snr-process';
export { signalPower, meanSquaredError, measuredSnrDb } from './measure';
export { digestFloat32 } from './digest';
export * from './channel';
