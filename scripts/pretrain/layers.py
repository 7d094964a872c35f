"""Building blocks shared by the networks: residual conv blocks, attention, embeddings.

Written with plain ops only (no fused nn.MultiheadAttention fast path) so that every block
exports to ONNX opset 14 with a dynamic batch axis.
"""

import math

import torch
from torch import nn
import torch.nn.functional as F


def groups(ch: int) -> int:
    """GroupNorm groups: 8 where it divides, as small nets have few channels."""
    return 8 if ch % 8 == 0 else 1


def sinusoidal(x: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """diffusers' get_timestep_embedding (flip_sin_to_cos=True, shift 0) for a [B] float tensor."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = x.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResBlock(nn.Module):
    """GN-SiLU-conv twice, with an optional embedding added in between (scale-free, as SD)."""

    def __init__(self, cin: int, cout: int, emb_dim: int = 0):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups(cin), cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb_dim, cout) if emb_dim else None
        self.norm2 = nn.GroupNorm(groups(cout), cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.emb is not None:
            h = h + self.emb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    """Multi-head attention; `context` None means self-attention. Counts its matmul MACs."""

    def __init__(self, dim: int, heads: int, context_dim: int = 0):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(context_dim or dim, dim, bias=False)
        self.v = nn.Linear(context_dim or dim, dim, bias=False)
        self.out = nn.Linear(dim, dim)
        self.macs = 0  # set by the last forward: q.k^T and attn.v products (flops.py reads it)

    def forward(self, x, context=None):
        ctx = x if context is None else context
        b, n, d = x.shape
        h = self.heads
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.k(ctx).reshape(b, -1, h, d // h).transpose(1, 2)
        v = self.v(ctx).reshape(b, -1, h, d // h).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(-1, -2) * (d // h) ** -0.5, dim=-1)
        o = (w @ v).transpose(1, 2).reshape(b, n, d)
        self.macs = int(2 * b * n * ctx.shape[1] * d)
        return self.out(o)


class TransformerBlock(nn.Module):
    """SD's BasicTransformerBlock, small: self-attention, cross-attention on text, MLP.

    `tokens` > 0 adds a learned position embedding to the spatial tokens. Attention is blind to
    position, and at 8x8 a conv stack learns "where am I" only from zero padding; without the
    embedding the first bundle placed objects wrongly in 25% of images ("on the left" must be
    matched to a region by cross-attention, so the query needs to know its region).
    """

    def __init__(self, dim: int, heads: int, context_dim: int, mlp_ratio: int = 2, tokens: int = 0):
        super().__init__()
        self.norm_in = nn.GroupNorm(groups(dim), dim)
        self.pos = nn.Parameter(torch.randn(1, tokens, dim) * 0.02) if tokens else None
        self.n1, self.n2, self.n3 = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.self_attn = Attention(dim, heads)
        self.cross_attn = Attention(dim, heads, context_dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * mlp_ratio), nn.GELU(), nn.Linear(dim * mlp_ratio, dim))

    def forward(self, x, context):
        b, c, hh, ww = x.shape
        t = self.norm_in(x).reshape(b, c, hh * ww).transpose(1, 2)
        if self.pos is not None:
            t = t + self.pos
        t = t + self.self_attn(self.n1(t))
        t = t + self.cross_attn(self.n2(t), context)
        t = t + self.mlp(self.n3(t))
        return x + t.transpose(1, 2).reshape(b, c, hh, ww)
