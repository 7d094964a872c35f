/**
 * The channel's configuration lives in @semaigc/protocol (it travels inside requests and is
 * validated there, with errors naming the field); re-exported here so that users of the
 * channel need one import.
 */
export {
  CODES,
  MODULATIONS,
  QUANT_BITS,
  SNR_DB_MAX,
  SNR_DB_MIN,
  ValidationError,
  channelConfigSchema,
  channelMetaSchema,
  parseChannelConfig,
  parseSnrProcess,
  snrProcessSchema,
  type ChannelConfig,
  type ChannelConfigInput,
  type ChannelMeta,
  type SnrProcessConfig,
} from '@semaigc/protocol';
