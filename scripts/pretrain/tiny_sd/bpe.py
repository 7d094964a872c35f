"""A CLIP-style byte-level BPE, trained here on the project's caption corpus.

Debian ships no Python `tokenizers` (and PyPI is unreachable), so the merges are learned by
the classic BPE loop below and written in the three forms a Stable Diffusion export carries:
tokenizer/vocab.json + merges.txt (what `CLIPTokenizer` reads) and tokenizer.json (what
`CLIPTokenizerFast` and tokenizers.js read), with CLIP's conventions:

- text: whitespace collapsed, lower-cased;
- pre-tokens: CLIP's regex (`'s|'t|...|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+`), written
  for Python's `re` (no \\p classes) as letters = `[^\\W\\d_]`, digits = `\\d`;
- every byte mapped to a printable character (GPT-2's `bytes_to_unicode`), the last symbol
  of a word carries the `</w>` suffix;
- vocabulary: the 256 byte symbols, the same with `</w>`, one entry per merge in merge
  order, then `<|startoftext|>` and `<|endoftext|>` (so EOS has the largest id, which
  CLIP's pooling relies on).

`encode` is the reference the JavaScript tokenizer is checked against (fixtures).
"""

import json
import re
import unicodedata
from collections import Counter

BOS = "<|startoftext|>"
EOS = "<|endoftext|>"
# CLIP's pre-tokenizer pattern, as in its tokenizer.json (Rust/Oniguruma syntax).
CLIP_SPLIT_REGEX = (
    r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
)
# The same for Python's `re`, which has no \p{..}: letters [^\W\d_], numbers \d.
_SPLIT = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+")


def bytes_to_unicode() -> dict:
    """GPT-2/CLIP's reversible byte -> printable character map."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_CHARS = bytes_to_unicode()


def normalize(text: str) -> str:
    # tokenizer.json's normalizer: NFC, whitespace runs -> one space, lower case.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().lower()


def pre_tokens(text: str) -> list:
    return _SPLIT.findall(normalize(text))


def word_symbols(token: str) -> tuple:
    chars = [BYTE_CHARS[b] for b in token.encode("utf-8")]
    return tuple(chars[:-1]) + (chars[-1] + "</w>",)


def train(corpus, max_merges: int) -> list:
    """Merges, most frequent adjacent pair first (ties broken by the pair's text, so runs repeat)."""
    words = Counter()
    for line in corpus:
        for tok in pre_tokens(line):
            words[word_symbols(tok)] += 1
    merges = []
    while len(merges) < max_merges:
        pairs = Counter()
        for w, f in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += f
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        merges.append(best)
        merged = Counter()
        for w, f in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] += f
        words = merged
    return merges


def build_vocab(merges) -> dict:
    chars = list(BYTE_CHARS.values())
    tokens = chars + [c + "</w>" for c in chars] + [a + b for a, b in merges] + [BOS, EOS]
    return {t: i for i, t in enumerate(tokens)}


def _bpe(symbols: tuple, ranks: dict) -> list:
    w = list(symbols)
    while len(w) > 1:
        pairs = [(ranks.get((a, b), float("inf")), i) for i, (a, b) in enumerate(zip(w, w[1:]))]
        rank, i = min(pairs)
        if rank == float("inf"):
            break
        w = w[:i] + [w[i] + w[i + 1]] + w[i + 2 :]
    return w


def encode(text: str, vocab: dict, merges, max_length: int = 77) -> list:
    """SD's call: `tokenizer(text, padding='max_length', max_length=77, truncation=True)`."""
    ranks = {m: i for i, m in enumerate(merges)}
    ids = []
    for tok in pre_tokens(text):
        ids += [vocab[s] for s in _bpe(word_symbols(tok), ranks)]
    ids = [vocab[BOS]] + ids[: max_length - 2] + [vocab[EOS]]
    return ids + [vocab[EOS]] * (max_length - len(ids))  # SD v1.x pads with <|endoftext|>


def tokenizer_json(vocab: dict, merges) -> dict:
    """tokenizer.json as transformers' CLIP converter writes it for openai/clip-vit-large-patch14."""
    special = lambda i, t: {  # noqa: E731
        "id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
        "normalized": True, "special": True,
    }
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(vocab[BOS], BOS), special(vocab[EOS], EOS)],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
                {"type": "Lowercase"},
            ],
        },
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": CLIP_SPLIT_REGEX}, "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
            ],
        },
        "post_processor": {
            "type": "RobertaProcessing",
            "sep": [EOS, vocab[EOS]],
            "cls": [BOS, vocab[BOS]],
            "trim_offsets": False,
            "add_prefix_space": False,
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": EOS,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "</w>",
            "fuse_unk": False,
            "byte_fallback": False,
            "vocab": vocab,
            "merges": [f"{a} {b}" for a, b in merges],
        },
    }


def write(out_dir: str, vocab: dict, merges, max_length: int = 77) -> None:
    """tokenizer/: vocab.json, merges.txt, tokenizer.json, tokenizer_config.json, special_tokens_map.json."""
    def dump(name, obj):
        with open(f"{out_dir}/{name}", "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False, indent=None if name == "tokenizer.json" else 2)
            f.write("\n")

    dump("vocab.json", vocab)
    with open(f"{out_dir}/merges.txt", "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    dump("tokenizer.json", tokenizer_json(vocab, merges))
    dump("special_tokens_map.json", {"bos_token": BOS, "eos_token": EOS, "pad_token": EOS, "unk_token": EOS})
    dump(
        "tokenizer_config.json",
        {
            "tokenizer_class": "CLIPTokenizer",
            "model_max_length": max_length,
            "do_lower_case": True,
            "bos_token": BOS,
            "eos_token": EOS,
            "pad_token": EOS,
            "unk_token": EOS,
            "add_prefix_space": False,
            "errors": "replace",
        },
    )
