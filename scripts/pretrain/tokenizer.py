"""Word-level tokenizer for the shapes grammar (our stand-in for CLIP's BPE tokenizer).

Rules, mirrored by the TypeScript tokenizer: lowercase, split on whitespace, map each word to its
id (unknown words -> <unk>), prepend <bos>, append <eos>, truncate to max_length (keeping <eos>
last) and pad with <pad> to max_length. The empty prompt "" (unconditional, for classifier-free
guidance) is therefore [<bos>, <eos>, <pad>, ...], as with CLIP.
"""

import re

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]


def build_vocab(words) -> dict:
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for w in sorted(set(words)):
        if w not in vocab:
            vocab[w] = len(vocab)
    return vocab


def vocab_from_grammar(g: dict) -> dict:
    words = set()
    for key in ("template_one", "template_two"):
        words.update(w for w in g[key].split() if not w.startswith("{"))
    words.update(g["shapes"])
    words.update(g["colours"])
    words.update(g["sizes"])
    for p in g["positions"].values():
        words.update(p["phrase"].split())
    return build_vocab(words)


class Tokenizer:
    def __init__(self, vocab: dict, max_length: int):
        self.vocab = vocab
        self.max_length = max_length
        self.pad, self.bos, self.eos, self.unk = (vocab[s] for s in SPECIALS)

    def encode(self, text: str) -> list:
        ids = [self.vocab.get(w, self.unk) for w in re.split(r"\s+", text.lower().strip()) if w]
        ids = [self.bos] + ids[: self.max_length - 2] + [self.eos]
        return ids + [self.pad] * (self.max_length - len(ids))

    def config(self) -> dict:
        """tokenizer_config.json: everything a re-implementation needs besides vocab.json."""
        return {
            "type": "word-level",
            "lowercase": True,
            "split": "whitespace",
            "max_length": self.max_length,
            "pad_token": SPECIALS[0],
            "bos_token": SPECIALS[1],
            "eos_token": SPECIALS[2],
            "unk_token": SPECIALS[3],
            "pad_token_id": self.pad,
            "bos_token_id": self.bos,
            "eos_token_id": self.eos,
            "unk_token_id": self.unk,
            "padding": "max_length",
            "truncation": "keep <bos> and <eos>, drop words past max_length - 2",
        }
