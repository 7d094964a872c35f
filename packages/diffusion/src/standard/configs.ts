/**
 * The JSON files of a standard diffusers ONNX export (what `optimum-cli export onnx` writes for
 * a Stable Diffusion pipeline): model_index.json at the top, a config.json per model folder,
 * the tokenizer's files and scheduler/scheduler_config.json. Only the keys the runtime uses
 * are typed; everything else is kept as it is. Errors name the file and the key.
 */
import { z } from 'zod';
import { parseBundleJson } from '../bundle/validate';

export const MODEL_INDEX_FILE = 'model_index.json';
export const SCHEDULER_CONFIG_FILE = 'scheduler/scheduler_config.json';

/** Folder and file of each ONNX model in Optimum's layout. */
export const STANDARD_FILES = {
  text_encoder: 'text_encoder/model.onnx',
  unet: 'unet/model.onnx',
  vae_decoder: 'vae_decoder/model.onnx',
  vae_encoder: 'vae_encoder/model.onnx',
} as const;

/** Tokenizer folder files: tokenizer.json is optional (SD v1.x repositories ship vocab + merges). */
export const TOKENIZER_FILES = {
  json: 'tokenizer/tokenizer.json',
  vocab: 'tokenizer/vocab.json',
  merges: 'tokenizer/merges.txt',
  config: 'tokenizer/tokenizer_config.json',
  specialTokens: 'tokenizer/special_tokens_map.json',
} as const;

/** model_index.json: `"<component>": [library, class]` entries (null pairs for absent parts). */
const modelIndexSchema = z.looseObject(
  {
    _class_name: z.string({ error: 'must be the pipeline class name' }),
    text_encoder: z.tuple([z.string().nullable(), z.string().nullable()]).optional(),
    text_encoder_2: z.unknown().optional(),
    unet: z.unknown().optional(),
    transformer: z.unknown().optional(),
    vae: z.unknown().optional(),
    vae_decoder: z.unknown().optional(),
  },
  { error: 'must be an object' },
);
export type ModelIndex = z.output<typeof modelIndexSchema>;

const positiveInt = z
  .number({ error: 'must be a positive integer' })
  .int()
  .min(1, 'must be a positive integer');

const unetConfigSchema = z.looseObject(
  {
    sample_size: z.union([positiveInt, z.tuple([positiveInt, positiveInt])]).optional(),
    in_channels: positiveInt.optional(),
    cross_attention_dim: z.union([positiveInt, z.array(positiveInt)]).optional(),
  },
  { error: 'must be an object' },
);
export type UnetConfig = z.output<typeof unetConfigSchema>;

const vaeConfigSchema = z.looseObject(
  {
    latent_channels: positiveInt.optional(),
    block_out_channels: z.array(positiveInt).min(1).optional(),
    scaling_factor: z.number({ error: 'must be a number > 0' }).gt(0, 'must be a number > 0').optional(),
    out_channels: positiveInt.optional(),
  },
  { error: 'must be an object' },
);
export type VaeConfig = z.output<typeof vaeConfigSchema>;

const textEncoderConfigSchema = z.looseObject(
  {
    hidden_size: positiveInt.optional(),
    max_position_embeddings: positiveInt.optional(),
  },
  { error: 'must be an object' },
);
export type TextEncoderConfig = z.output<typeof textEncoderConfigSchema>;

export const parseModelIndex = (json: unknown, file: string): ModelIndex =>
  parseBundleJson(modelIndexSchema, json, file);
export const parseUnetConfig = (json: unknown, file: string): UnetConfig =>
  parseBundleJson(unetConfigSchema, json, file);
export const parseVaeConfig = (json: unknown, file: string): VaeConfig =>
  parseBundleJson(vaeConfigSchema, json, file);
export const parseTextEncoderConfig = (json: unknown, file: string): TextEncoderConfig =>
  parseBundleJson(textEncoderConfigSchema, json, file);

/** SD 1.x's latent scaling factor: AutoencoderKL's default when a config omits it. */
export const SD_SCALING_FACTOR = 0.18215;
/** diffusers' defaults for a text-to-image call. */
export const SD_GUIDANCE_SCALE = 7.5;
export const SD_INFERENCE_STEPS = 50;
