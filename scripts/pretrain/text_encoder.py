"""Tiny transformer text encoder: input_ids [B, L] (int32) -> last_hidden_state [B, L, D].

Like CLIP's text model it attends over the whole padded sequence and ends in a LayerNorm; unlike
CLIP it is bidirectional (no causal mask) and trained jointly with the edge UNet.
"""

import torch
from torch import nn

from layers import Attention


class Layer(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.n1, self.n2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 4), nn.GELU(), nn.Linear(dim * 4, dim))

    def forward(self, x):
        x = x + self.attn(self.n1(x))
        return x + self.mlp(self.n2(x))


class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int, max_length: int, dim: int, layers: int, heads: int):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(1, max_length, dim) * 0.02)
        self.layers = nn.ModuleList(Layer(dim, heads) for _ in range(layers))
        self.norm = nn.LayerNorm(dim)

    def forward(self, input_ids):
        x = self.tok(input_ids.long()) + self.pos[:, : input_ids.shape[1]]
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)
