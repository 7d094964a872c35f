/**
 * The bundle manifest (manifest.json, format "semaigc-bundle/1"): which ONNX files exist,
 * their input/output names, dtypes and shapes, the latent scaling factor and the tokenizer.
 * This is the one reader of the format: the runtime, the coordinator (grammar, guidance
 * scale) and the bundle's own checks all go through `parseManifest`.
 *
 * The runtime needs only some fields; the pre-training pipeline writes more (provenance,
 * metrics, parity), typed here as optional and kept as they are. A standard Stable
 * Diffusion export (Optimum layout, no manifest.json) gets an equivalent manifest built
 * from its model_index.json, configs and ONNX sessions (../standard/).
 */
import { z } from 'zod';
import { parseBundleJson } from './validate';

export const MANIFEST_FILE = 'manifest.json';

export const TENSOR_DTYPES = ['float32', 'int32', 'int64', 'float16'] as const;
export type TensorDtype = (typeof TENSOR_DTYPES)[number];

export const REQUIRED_COMPONENTS = ['text_encoder', 'unet', 'vae_decoder'] as const;
export const OPTIONAL_COMPONENTS = ['unet_finetune', 'vae_encoder', 'checker'] as const;
/** Every component of the diffusers ONNX layout this runtime knows, required ones first. */
export const COMPONENT_NAMES = [...REQUIRED_COMPONENTS, ...OPTIONAL_COMPONENTS] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

const nonEmpty = (what: string) => z.string({ error: `must be ${what}` }).min(1, `must be ${what}`);
const positiveInt = z
  .number({ error: 'must be a positive integer' })
  .int()
  .min(1, 'must be a positive integer');

/** One input or output of an ONNX file; symbolic dims (e.g. 'batch') are strings. */
const ioSpecSchema = z.looseObject({
  name: z.string({ error: 'must be a string' }),
  dtype: z.enum(TENSOR_DTYPES, {
    error: (iss) => `'${String(iss.input)}' is not a supported dtype (${TENSOR_DTYPES.join(', ')})`,
  }),
  shape: z.array(z.union([z.number(), z.string()]), { error: 'must be a list of dims' }),
});
export type IoSpec = z.output<typeof ioSpecSchema>;

const ioListSchema = z
  .array(ioSpecSchema, { error: 'must be a non-empty list' })
  .min(1, 'must be a non-empty list');

const componentSchema = z.looseObject(
  {
    file: nonEmpty('a path'),
    inputs: ioListSchema,
    outputs: ioListSchema,
    /** Provenance written by the pre-training pipeline. */
    bytes: z.number().optional(),
    opset: z.number().optional(),
    params: z.number().optional(),
  },
  { error: (iss) => (iss.input === undefined ? 'is required' : 'must be an object') },
);
export type ComponentSpec = z.output<typeof componentSchema>;

const optionalComponent = componentSchema.optional();

/** The project's word-level tokenizer: vocab.json + tokenizer_config.json. */
const wordTokenizerSchema = z.looseObject({
  type: z.literal('word-level'),
  vocab: nonEmpty('a path'),
  config: nonEmpty('a path'),
  max_length: positiveInt,
  input_ids_dtype: z.enum(['int32', 'int64']).optional(),
});

/**
 * CLIP's byte-level BPE (Stable Diffusion): tokenizer.json when the export has one, else
 * vocab.json + merges.txt; `config` is tokenizer_config.json (pad token, max length).
 */
const clipTokenizerSchema = z.looseObject({
  type: z.literal('clip-bpe'),
  tokenizer_json: z.string().min(1).optional(),
  vocab: nonEmpty('a path'),
  merges: nonEmpty('a path'),
  config: z.string().min(1).optional(),
  special_tokens_map: z.string().min(1).optional(),
  max_length: positiveInt,
});

const tokenizerSchema = z.discriminatedUnion('type', [wordTokenizerSchema, clipTokenizerSchema], {
  error: (iss) =>
    iss.input === undefined || typeof iss.input !== 'object'
      ? 'must be an object'
      : "type must be 'word-level' or 'clip-bpe'",
});
export type TokenizerSpec = z.output<typeof tokenizerSchema>;

const manifestSchema = z.looseObject(
  {
    format: z
      .string({ error: (iss) => `must be 'semaigc-bundle/<n>', got ${JSON.stringify(iss.input)}` })
      .refine((s) => s.startsWith('semaigc-bundle/'), {
        error: (iss) => `must be 'semaigc-bundle/<n>', got ${JSON.stringify(iss.input)}`,
      }),
    name: z.string({ error: 'must be a string' }).default('unnamed'),
    components: z.looseObject(
      {
        text_encoder: componentSchema,
        unet: componentSchema,
        vae_decoder: componentSchema,
        unet_finetune: optionalComponent,
        vae_encoder: optionalComponent,
        checker: optionalComponent,
      },
      { error: 'must be an object' },
    ),
    tokenizer: tokenizerSchema,
    scheduler: nonEmpty('the path of scheduler_config.json'),
    latent: z.looseObject(
      {
        channels: positiveInt,
        height: positiveInt,
        width: positiveInt,
        scaling_factor: z.number({ error: 'must be a number > 0' }).gt(0, 'must be a number > 0'),
      },
      { error: 'must be an object' },
    ),
    image: z.looseObject(
      {
        height: positiveInt,
        width: positiveInt,
        channels: positiveInt,
        range: z.tuple([z.number(), z.number()]).optional(),
      },
      { error: 'must be an object' },
    ),
    text: z.looseObject(
      { hidden_size: positiveInt, uncond_prompt: z.string({ error: 'must be a string' }) },
      { error: 'must be an object' },
    ),
    guidance_scale: z.number({ error: 'must be a number' }),
    num_inference_steps: positiveInt,
    /** Relative paths of the caption grammar, the parity fixtures and the ONNX parity inputs. */
    grammar: z.string().optional(),
    fixtures: z.string().optional(),
    parity: z.string().optional(),
    checker: z
      .looseObject({
        attributes: z.record(z.string(), z.array(z.string())),
        outputs: z.array(z.string()).optional(),
      })
      .optional(),
    /** Written by the pre-training pipeline: 'full' or 'quick' training, bundle size, the ONNX check. */
    layout: z.string().optional(),
    mode: z.enum(['full', 'quick']).optional(),
    bundle_bytes: z.number().optional(),
    onnx_parity: z
      .looseObject({
        ran: z.boolean().optional(),
        ok: z.boolean().optional(),
        maxAbsDiff: z.number().optional(),
        tolerance: z.number().optional(),
        reason: z.string().optional(),
      })
      .optional(),
  },
  { error: 'must be an object' },
);

export type BundleManifest = z.output<typeof manifestSchema>;

/**
 * Validates a parsed manifest.json. Errors are `BundleError`s that name the file and the
 * first offending field: `<file>: components.unet.inputs[0].dtype 'float128' is not a
 * supported dtype`. `file` is where the JSON came from (default 'manifest.json').
 */
export function parseManifest(json: unknown, file: string = MANIFEST_FILE): BundleManifest {
  return parseBundleJson(manifestSchema, json, file);
}

/** Element count of a latent [1, C, H, W]. */
export function latentSize(m: BundleManifest): number {
  return m.latent.channels * m.latent.height * m.latent.width;
}
