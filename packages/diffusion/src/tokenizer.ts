/**
 * Word-level tokenizer for the bundle's vocabulary (vocab.json + tokenizer_config.json),
 * mirroring scripts/pretrain/tokenizer.py exactly: lowercase, split on whitespace, map words
 * to ids, prepend <bos>, append <eos>, truncate to max_length keeping <eos> last, pad with
 * <pad>. Unknown words map to <unk> as in training; `strict: true` instead throws a
 * TokenizerError naming the word, which is what a trial config check wants.
 */
import { TokenizerError } from './errors';

export interface TokenizerConfig {
  type: 'word-level';
  lowercase: boolean;
  max_length: number;
  pad_token_id: number;
  bos_token_id: number;
  eos_token_id: number;
  unk_token_id: number;
}

export interface EncodeOptions {
  /** Throw on words outside the vocabulary instead of mapping them to <unk>. */
  strict?: boolean;
}

/** What the pipeline needs of a tokenizer: fixed-length ids, specials and padding included. */
export interface PromptTokenizer {
  readonly maxLength: number;
  encode(text: string, opts?: EncodeOptions): Int32Array;
}

export class WordTokenizer implements PromptTokenizer {
  readonly maxLength: number;
  private readonly vocab: Map<string, number>;

  constructor(
    vocab: Record<string, number>,
    readonly config: TokenizerConfig,
  ) {
    if (config.type !== 'word-level')
      throw new TypeError(`tokenizer: type '${String(config.type)}' is not supported`);
    if (!Number.isInteger(config.max_length) || config.max_length < 2) {
      throw new TypeError(`tokenizer: max_length must be an integer >= 2, got ${config.max_length}`);
    }
    this.maxLength = config.max_length;
    this.vocab = new Map(Object.entries(vocab));
  }

  /** Words the vocabulary knows (excluding special tokens), e.g. for prompt builders. */
  words(): string[] {
    return [...this.vocab.keys()].filter((w) => !/^<.*>$/.test(w));
  }

  /** Words of `text` that are not in the vocabulary. */
  unknownWords(text: string): string[] {
    return this.split(text).filter((w) => !this.vocab.has(w));
  }

  encode(text: string, opts: EncodeOptions = {}): Int32Array {
    if (typeof text !== 'string') throw new TypeError('tokenizer: prompt must be a string');
    const c = this.config;
    const ids: number[] = [c.bos_token_id];
    for (const w of this.split(text).slice(0, this.maxLength - 2)) {
      const id = this.vocab.get(w);
      if (id === undefined && opts.strict) {
        throw new TokenizerError(
          `prompt word '${w}' is not in the bundle's vocabulary (${this.vocab.size} words)`,
        );
      }
      ids.push(id ?? c.unk_token_id);
    }
    ids.push(c.eos_token_id);
    const out = new Int32Array(this.maxLength).fill(c.pad_token_id);
    out.set(ids);
    return out;
  }

  private split(text: string): string[] {
    const t = this.config.lowercase ? text.toLowerCase() : text;
    return t
      .trim()
      .split(/\s+/)
      .filter((w) => w.length > 0);
  }
}
