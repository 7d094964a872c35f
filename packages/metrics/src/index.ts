export { satisfaction, isFailed, type LatencyRequirement } from './satisfaction';
export { latencyStats, quantile, quantileSorted, mean, type LatencyStats } from './latency-stats';
export { psnr, mseRgb } from './psnr';
export { ssim, DEFAULT_SSIM_OPTIONS, type SsimOptions } from './ssim';
export type { RgbaImage } from './image';
export { meanInterval95, t975, type MeanInterval } from './t-interval';
