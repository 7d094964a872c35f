/**
 * A `BundleManifest` for a standard Stable Diffusion ONNX export (no manifest.json), built from
 * model_index.json, the model folders' config.json files, the tokenizer folder and the
 * scheduler config, so the rest of the runtime (sampler, receiver variants, decode, apps)
 * works on one bundle model whichever kind of folder it came from.
 *
 * The input/output lists written here are Optimum's names with their usual dtypes; the loader
 * replaces them with what each ONNX session reports (`sessionIo`), so fp16 and int32/int64
 * variants load without configuration.
 */
import type { BundleManifest, ComponentSpec } from '../bundle/manifest';
import { parseManifest } from '../bundle/manifest';
import { readJson, type BundleSource } from '../bundle/source';
import { BundleError } from '../errors';
import {
  MODEL_INDEX_FILE,
  SCHEDULER_CONFIG_FILE,
  SD_GUIDANCE_SCALE,
  SD_INFERENCE_STEPS,
  SD_SCALING_FACTOR,
  STANDARD_FILES,
  TOKENIZER_FILES,
  parseModelIndex,
  parseTextEncoderConfig,
  parseUnetConfig,
  parseVaeConfig,
} from './configs';

/** The layout name a built manifest carries (`manifest.layout`). */
export const STANDARD_LAYOUT = 'optimum-onnx';

export interface StandardOptions {
  /** Image size [height, width] in pixels (default: the UNet config's sample_size x the VAE's factor). */
  imageSize?: readonly [number, number];
  /** Other ONNX files for some components, relative to the bundle (e.g. an fp16 UNet). */
  files?: Partial<Record<'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder', string>>;
}

/** Reads a JSON file that may be absent (null then); a file that is there must parse. */
export async function readOptionalJson(source: BundleSource, path: string): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = await source.readBytes(path);
  } catch {
    return null;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (err) {
    throw new BundleError(`${source.location}/${path}: not valid JSON`, { cause: err });
  }
}

function component(file: string, inputs: [string, string][], outputs: [string, string][]): ComponentSpec {
  return {
    file,
    inputs: inputs.map(([name, dtype]) => ({ name, dtype: dtype as 'float32', shape: [] })),
    outputs: outputs.map(([name, dtype]) => ({ name, dtype: dtype as 'float32', shape: [] })),
  };
}

export async function readStandardManifest(
  source: BundleSource,
  options: StandardOptions = {},
): Promise<BundleManifest> {
  const at = (p: string): string => `${source.location}/${p}`;
  const index = parseModelIndex(await readJson(source, MODEL_INDEX_FILE), at(MODEL_INDEX_FILE));
  if (index.text_encoder_2 !== undefined && index.text_encoder_2 !== null)
    throw new BundleError(
      `${at(MODEL_INDEX_FILE)}: ${index._class_name} has two text encoders (SDXL); only SD v1.x/2.x pipelines are supported`,
    );
  if (index.transformer !== undefined)
    throw new BundleError(
      `${at(MODEL_INDEX_FILE)}: ${index._class_name} has a transformer, not a UNet (SD3/Flux); not supported`,
    );
  const unetCfg = parseUnetConfig(
    (await readOptionalJson(source, 'unet/config.json')) ?? {},
    at('unet/config.json'),
  );
  const vaeCfg = parseVaeConfig(
    (await readOptionalJson(source, 'vae_decoder/config.json')) ?? {},
    at('vae_decoder/config.json'),
  );
  const textCfg = parseTextEncoderConfig(
    (await readOptionalJson(source, 'text_encoder/config.json')) ?? {},
    at('text_encoder/config.json'),
  );
  const tokConfig = ((await readOptionalJson(source, TOKENIZER_FILES.config)) ?? {}) as Record<
    string,
    unknown
  >;

  // 8 for every SD VAE: one x2 stage per entry of block_out_channels after the first.
  const vaeFactor = 2 ** ((vaeCfg.block_out_channels?.length ?? 4) - 1);
  const sample = unetCfg.sample_size;
  const defaultLatent: readonly [number, number] | undefined =
    typeof sample === 'number' ? [sample, sample] : sample;
  const [imgH, imgW]: readonly [number, number] =
    options.imageSize ??
    (defaultLatent ? [defaultLatent[0] * vaeFactor, defaultLatent[1] * vaeFactor] : [512, 512]);
  for (const [what, v] of [
    ['height', imgH],
    ['width', imgW],
  ] as const) {
    if (!Number.isInteger(v) || v < vaeFactor || v % vaeFactor !== 0)
      throw new TypeError(
        `imageSize: ${what} ${v} is not a positive multiple of the VAE's factor ${vaeFactor}`,
      );
  }
  const latentChannels = unetCfg.in_channels ?? vaeCfg.latent_channels ?? 4;
  const cross = unetCfg.cross_attention_dim;
  const hidden = (Array.isArray(cross) ? cross[0] : cross) ?? textCfg.hidden_size ?? 768;
  const positions = textCfg.max_position_embeddings ?? 77;
  const configured =
    typeof tokConfig['model_max_length'] === 'number' ? tokConfig['model_max_length'] : positions;
  // Some tokenizer configs say 1e30 ("no limit"); the text encoder's positions are the limit.
  const maxLength = Math.min(configured, positions);

  const files = { ...STANDARD_FILES, ...options.files };
  const components: Record<string, ComponentSpec> = {
    text_encoder: component(files.text_encoder, [['input_ids', 'int64']], [['last_hidden_state', 'float32']]),
    unet: component(
      files.unet,
      [
        ['sample', 'float32'],
        ['timestep', 'int64'],
        ['encoder_hidden_states', 'float32'],
      ],
      [['out_sample', 'float32']],
    ),
    vae_decoder: component(files.vae_decoder, [['latent_sample', 'float32']], [['sample', 'float32']]),
  };
  // Listed when the pipeline has a VAE; loaded only when asked for (the runtime does not encode).
  if (index.vae !== undefined || index['vae_encoder'] !== undefined)
    components['vae_encoder'] = component(
      files.vae_encoder,
      [['sample', 'float32']],
      [['latent_parameters', 'float32']],
    );

  return parseManifest(
    {
      format: 'semaigc-bundle/1',
      layout: STANDARD_LAYOUT,
      name: `${index._class_name}@${source.location.split('/').filter(Boolean).pop() ?? 'bundle'}`.slice(
        0,
        120,
      ),
      components,
      tokenizer: {
        type: 'clip-bpe',
        tokenizer_json: TOKENIZER_FILES.json, // optional: vocab + merges when absent
        vocab: TOKENIZER_FILES.vocab,
        merges: TOKENIZER_FILES.merges,
        config: TOKENIZER_FILES.config,
        special_tokens_map: TOKENIZER_FILES.specialTokens,
        max_length: maxLength,
      },
      scheduler: SCHEDULER_CONFIG_FILE,
      latent: {
        channels: latentChannels,
        height: imgH / vaeFactor,
        width: imgW / vaeFactor,
        scaling_factor: vaeCfg.scaling_factor ?? SD_SCALING_FACTOR,
      },
      image: { height: imgH, width: imgW, channels: vaeCfg.out_channels ?? 3, range: [-1, 1] },
      text: { hidden_size: hidden, uncond_prompt: '' },
      guidance_scale: SD_GUIDANCE_SCALE,
      num_inference_steps: SD_INFERENCE_STEPS,
    },
    at(MODEL_INDEX_FILE),
  );
}
