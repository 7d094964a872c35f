/** The CLIP tokenizer of a bundle whose manifest says `tokenizer.type: 'clip-bpe'`. */
import type { TokenizerSpec } from '../bundle/manifest';
import type { BundleSource } from '../bundle/source';
import { readJson } from '../bundle/source';
import {
  createClipTokenizer,
  clipTokenizerJson,
  type ClipTokenizer,
  type ClipTokenizerConfig,
} from '../clip-tokenizer';
import { BundleError } from '../errors';
import { readOptionalJson } from './manifest';

export async function loadClipTokenizer(
  source: BundleSource,
  spec: Extract<TokenizerSpec, { type: 'clip-bpe' }>,
): Promise<ClipTokenizer> {
  const config: ClipTokenizerConfig = {
    ...((spec.special_tokens_map ? await readOptionalJson(source, spec.special_tokens_map) : null) ?? {}),
    ...((spec.config ? await readOptionalJson(source, spec.config) : null) ?? {}),
  };
  const where = `${source.location}/${spec.vocab.replace(/\/[^/]*$/, '')}`;
  let json = spec.tokenizer_json ? await readOptionalJson(source, spec.tokenizer_json) : null;
  if (json === null) {
    // The usual SD v1.x tokenizer folder: vocab.json + merges.txt, no tokenizer.json.
    const vocab = (await readJson(source, spec.vocab)) as Record<string, number>;
    let merges: string;
    try {
      merges = new TextDecoder().decode(await source.readBytes(spec.merges));
    } catch (err) {
      throw new BundleError(`${source.location}/${spec.merges}: cannot read the BPE merges`, { cause: err });
    }
    json = clipTokenizerJson(vocab, merges);
  }
  return createClipTokenizer(json as object, config, spec.max_length, where);
}
