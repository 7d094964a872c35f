/**
 * CLIP's tokenizer for Stable Diffusion exports, on @huggingface/tokenizers (tokenizers.js,
 * pure JS for browser and Node). It reads tokenizer/tokenizer.json when the export has one;
 * an export with only vocab.json + merges.txt (the usual SD v1.x tokenizer folder) gets the
 * tokenizer.json that transformers' CLIP converter would write for those two files.
 *
 * `encode` does what SD's pipeline does: `tokenizer(prompt, padding='max_length',
 * max_length=77, truncation=True)`: <|startoftext|>, the BPE ids truncated to 75, then
 * <|endoftext|>, padded with the pad token (<|endoftext|> for SD v1.x, "!" for SD 2.x,
 * read from tokenizer_config.json / special_tokens_map.json).
 */
/**
 * The part of tokenizers.js's `Tokenizer` used here. tokenizers.js is an ES module and this
 * package CommonJS, so the class comes from a dynamic import() (kept as is under module
 * node16) in `createClipTokenizer`, typed by this interface.
 */
export interface BpeTokenizer {
  token_to_id(token: string): number | undefined;
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
  tokenize(text: string): string[];
}

type TokenizerClass = new (tokenizerJson: object, config: object) => BpeTokenizer;
import { TokenizerError } from './errors';
import type { PromptTokenizer } from './tokenizer';

export const CLIP_BOS = '<|startoftext|>';
export const CLIP_EOS = '<|endoftext|>';
/** CLIP's pre-tokenizer pattern, as its tokenizer.json writes it. */
export const CLIP_SPLIT_PATTERN =
  "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

/** tokenizer_config.json / special_tokens_map.json fields this class reads. */
export interface ClipTokenizerConfig {
  model_max_length?: number;
  bos_token?: string | { content: string };
  eos_token?: string | { content: string };
  pad_token?: string | { content: string };
  [key: string]: unknown;
}

const tokenText = (t: string | { content: string } | undefined): string | undefined =>
  typeof t === 'string' ? t : t?.content;

/** The tokenizer.json transformers' CLIP converter writes for a vocab.json + merges.txt pair. */
export function clipTokenizerJson(vocab: Record<string, number>, mergesTxt: string): object {
  const merges = mergesTxt
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#version'));
  const id = (t: string): number => {
    const v = vocab[t];
    if (v === undefined) throw new TokenizerError(`tokenizer/vocab.json has no '${t}' token`);
    return v;
  };
  const special = (t: string) => ({
    id: id(t),
    content: t,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(CLIP_BOS), special(CLIP_EOS)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT_PATTERN }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [CLIP_EOS, id(CLIP_EOS)],
      cls: [CLIP_BOS, id(CLIP_BOS)],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: CLIP_EOS,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

export class ClipTokenizer implements PromptTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;

  /** Use `createClipTokenizer`; `tok` is a tokenizers.js tokenizer of a CLIP tokenizer.json. */
  constructor(
    private readonly tok: BpeTokenizer,
    config: ClipTokenizerConfig,
    readonly maxLength: number,
    readonly where = 'tokenizer',
  ) {
    if (!Number.isInteger(maxLength) || maxLength < 2)
      throw new TypeError(`${where}: max length must be an integer >= 2, got ${maxLength}`);
    const idOf = (name: string, fallback: string): number => {
      const text = tokenText(config[name] as ClipTokenizerConfig['bos_token']) ?? fallback;
      const v = this.tok.token_to_id(text);
      if (v === undefined) throw new TokenizerError(`${where}: ${name} '${text}' is not in the vocabulary`);
      return v;
    };
    this.bosId = idOf('bos_token', CLIP_BOS);
    this.eosId = idOf('eos_token', CLIP_EOS);
    this.padId = idOf('pad_token', CLIP_EOS);
  }

  /** The BPE ids of `text` without special tokens. */
  ids(text: string): number[] {
    return this.tok.encode(text, { add_special_tokens: false }).ids;
  }

  /** BPE tokens of `text` (for reading and debugging). */
  tokens(text: string): string[] {
    return this.tok.tokenize(text);
  }

  encode(text: string): Int32Array {
    if (typeof text !== 'string') throw new TypeError('tokenizer: prompt must be a string');
    const body = this.ids(text).slice(0, this.maxLength - 2);
    const out = new Int32Array(this.maxLength).fill(this.padId);
    out[0] = this.bosId;
    out.set(body, 1);
    out[body.length + 1] = this.eosId;
    return out;
  }
}

/**
 * A CLIP tokenizer from a parsed tokenizer.json (or `clipTokenizerJson(vocab, merges)`) and
 * tokenizer_config.json merged with special_tokens_map.json; `where` names the folder in errors.
 */
export async function createClipTokenizer(
  tokenizerJson: object,
  config: ClipTokenizerConfig,
  maxLength: number,
  where = 'tokenizer',
): Promise<ClipTokenizer> {
  const { Tokenizer } = (await import('@huggingface/tokenizers')) as { Tokenizer: TokenizerClass };
  let tok: BpeTokenizer;
  try {
    tok = new Tokenizer(tokenizerJson, config);
  } catch (err) {
    throw new TokenizerError(`${where}: tokenizers.js cannot build the tokenizer: ${String(err)}`, {
      cause: err,
    });
  }
  return new ClipTokenizer(tok, config, maxLength, where);
}
