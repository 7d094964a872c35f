/**
 * The scenario's physical layer is the channel package's (one implementation for the
 * simulator, `semaigc trial run --sim` and the live edge); see packages/channel/src/phy.ts
 * for the model and its table.
 */
export {
  analogLatentS,
  blockErrorRate,
  cqiFor,
  DEFAULT_PHY,
  digitalLink,
  LTE_CQI_TABLE,
  sampleDigitalS,
  type CqiEntry,
  type DigitalLink,
  type PhySpec,
} from '@semaigc/channel';
