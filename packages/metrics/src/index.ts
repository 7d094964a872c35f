export { satisfaction, isFailed, type LatencyRequirement } from './satisfaction';
export { latencyStats, quantile, quantileSorted, mean, type LatencyStats } from './latency-stats';
