/** What the scenario tests share: the paper's assumed quality table as a quality source. */
import { PAPER_QUALITY_TABLE, assumedQuality } from '@semaigc/root';

export const assumed = assumedQuality({
  totalSteps: 20,
  table: PAPER_QUALITY_TABLE,
  threshold: 0.6,
  noiseStd: 0.05,
  clean: 0.95,
});
