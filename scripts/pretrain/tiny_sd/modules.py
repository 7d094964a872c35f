"""Tiny modules with Stable Diffusion v1.x's interfaces (diffusers/transformers are not installable
here, so they are written out in torch, following the same block structure at toy widths).

- `TextEncoder`: CLIP text transformer (token + position embeddings, pre-LN blocks with causal
  self-attention and quick-GELU MLP, final LayerNorm). input_ids [B, 77] int64 ->
  last_hidden_state [B, 77, 768], pooler_output [B, 768] (the state at the EOS token, found by
  argmax of the ids as CLIP does). The blocks run at a small width; one linear layer lifts
  the result to SD's 768 (the one part CLIP does not have; it keeps the file small).
- `UNet`: UNet2DConditionModel's pattern: sinusoidal timestep embedding + MLP, ResNet blocks
  with the time embedding added, Transformer2D blocks (self-attention, cross-attention over
  [B, 77, 768], GEGLU feed-forward), stride-2 downsampling, nearest x2 upsampling with skip
  connections. sample [B, 4, h, w] (h, w multiples of 4), timestep [B] int64,
  encoder_hidden_states [B, 77, 768] -> out_sample [B, 4, h, w].
- `VaeDecoder` / `VaeEncoder`: AutoencoderKL's decoder (post_quant_conv, mid block with
  attention, 3 x2 upsampling stages) and encoder (3 stride-2 stages, mid block, conv to
  mean and log-variance, quant_conv): 4 latent channels at 1/8 resolution.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def groups(c: int) -> int:
    return min(8, c // 4) if c >= 8 else 1


# ---------------------------------------------------------------- text encoder (CLIP)


class ClipAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(dim, dim) for _ in range(4))

    def forward(self, x, mask):
        b, n, d = x.shape
        h = self.heads
        split = lambda t: t.reshape(b, n, h, d // h).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        w = (q @ k.transpose(-1, -2)) / math.sqrt(d // h) + mask
        o = (w.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        return self.out_proj(o)


class ClipLayer(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.layer_norm1, self.layer_norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.self_attn = ClipAttention(dim, heads)
        self.fc1, self.fc2 = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)

    def forward(self, x, mask):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        y = self.fc1(self.layer_norm2(x))
        return x + self.fc2(y * torch.sigmoid(1.702 * y))  # CLIP's quick_gelu


class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int, max_length=77, width=64, layers=2, heads=2, hidden_size=768):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.position_embedding = nn.Embedding(max_length, width)
        self.layers = nn.ModuleList(ClipLayer(width, heads) for _ in range(layers))
        self.final_layer_norm = nn.LayerNorm(width)
        self.lift = nn.Linear(width, hidden_size)
        causal = torch.full((max_length, max_length), float("-inf")).triu(1)
        self.register_buffer("causal_mask", causal, persistent=False)

    def forward(self, input_ids):
        n = input_ids.shape[1]
        pos = torch.arange(n, device=input_ids.device)
        x = self.token_embedding(input_ids) + self.position_embedding(pos)[None]
        mask = self.causal_mask[:n, :n]
        for layer in self.layers:
            x = layer(x, mask)
        last = self.lift(self.final_layer_norm(x))
        eos = input_ids.to(torch.int64).argmax(-1)
        pooled = last[torch.arange(last.shape[0]), eos]
        return last, pooled


# ---------------------------------------------------------------- UNet


def timestep_embedding(t, dim: int):
    """diffusers' get_timestep_embedding with SD's flip_sin_to_cos=True, freq_shift=0."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.to(torch.float32)[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class ResnetBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int = 0):
        super().__init__()
        self.norm1, self.norm2 = nn.GroupNorm(groups(cin), cin), nn.GroupNorm(groups(cout), cout)
        self.conv1, self.conv2 = nn.Conv2d(cin, cout, 3, padding=1), nn.Conv2d(cout, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout) if temb else None
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.conv_shortcut is None else self.conv_shortcut(x)) + h


class Attention(nn.Module):
    """Multi-head attention; `context` None is self-attention."""

    def __init__(self, dim: int, heads: int, context_dim: int = 0):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(context_dim or dim, dim, bias=False)
        self.to_v = nn.Linear(context_dim or dim, dim, bias=False)
        self.to_out = nn.Linear(dim, dim)

    def forward(self, x, context=None):
        ctx = x if context is None else context
        b, n, d = x.shape
        h = self.heads
        q = self.to_q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.to_k(ctx).reshape(b, -1, h, d // h).transpose(1, 2)
        v = self.to_v(ctx).reshape(b, -1, h, d // h).transpose(1, 2)
        w = (q @ k.transpose(-1, -2)) / math.sqrt(d // h)
        return self.to_out((w.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d))


class Transformer2D(nn.Module):
    def __init__(self, dim: int, heads: int, context_dim: int):
        super().__init__()
        self.norm = nn.GroupNorm(groups(dim), dim)
        self.proj_in, self.proj_out = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn1 = Attention(dim, heads)
        self.attn2 = Attention(dim, heads, context_dim)
        self.ff_in = nn.Linear(dim, 2 * 2 * dim)  # GEGLU: value and gate
        self.ff_out = nn.Linear(2 * dim, dim)

    def forward(self, x, context):
        b, c, hh, ww = x.shape
        h = self.proj_in(self.norm(x).reshape(b, c, hh * ww).transpose(1, 2))
        h = h + self.attn1(self.norm1(h))
        h = h + self.attn2(self.norm2(h), context)
        v, gate = self.ff_in(self.norm3(h)).chunk(2, dim=-1)
        h = h + self.ff_out(v * F.gelu(gate))
        return x + self.proj_out(h).transpose(1, 2).reshape(b, c, hh, ww)


class UNet(nn.Module):
    """Two resolutions: 1/1 (no attention) and 1/2 (cross-attention), mid block at 1/4."""

    def __init__(self, c0=32, c1=48, heads=2, context_dim=768, in_channels=4):
        super().__init__()
        temb = 4 * c0
        self.c0 = c0
        self.time_linear_1, self.time_linear_2 = nn.Linear(c0, temb), nn.Linear(temb, temb)
        self.conv_in = nn.Conv2d(in_channels, c0, 3, padding=1)
        self.down0 = ResnetBlock(c0, c0, temb)
        self.downsample0 = nn.Conv2d(c0, c0, 3, stride=2, padding=1)
        self.down1 = ResnetBlock(c0, c1, temb)
        self.down1_attn = Transformer2D(c1, heads, context_dim)
        self.downsample1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.mid1 = ResnetBlock(c1, c1, temb)
        self.mid_attn = Transformer2D(c1, heads, context_dim)
        self.mid2 = ResnetBlock(c1, c1, temb)
        self.upsample1 = nn.Conv2d(c1, c1, 3, padding=1)
        self.up1 = ResnetBlock(2 * c1, c1, temb)
        self.up1_attn = Transformer2D(c1, heads, context_dim)
        self.upsample0 = nn.Conv2d(c1, c1, 3, padding=1)
        self.up0 = ResnetBlock(c1 + c0, c0, temb)
        self.conv_norm_out = nn.GroupNorm(groups(c0), c0)
        self.conv_out = nn.Conv2d(c0, in_channels, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states):
        temb = self.time_linear_2(F.silu(self.time_linear_1(timestep_embedding(timestep, self.c0))))
        x = self.conv_in(sample)
        s0 = self.down0(x, temb)
        s1 = self.down1_attn(self.down1(self.downsample0(s0), temb), encoder_hidden_states)
        m = self.mid1(self.downsample1(s1), temb)
        m = self.mid2(self.mid_attn(m, encoder_hidden_states), temb)
        u = self.upsample1(F.interpolate(m, scale_factor=2.0, mode="nearest"))
        u = self.up1_attn(self.up1(torch.cat([u, s1], 1), temb), encoder_hidden_states)
        u = self.upsample0(F.interpolate(u, scale_factor=2.0, mode="nearest"))
        u = self.up0(torch.cat([u, s0], 1), temb)
        return self.conv_out(F.silu(self.conv_norm_out(u)))


# ---------------------------------------------------------------- VAE (AutoencoderKL)


class VaeAttention(nn.Module):
    """The VAE mid block's single-head spatial self-attention."""

    def __init__(self, c: int):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups(c), c)
        self.attn = Attention(c, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.attn(self.group_norm(x).reshape(b, c, h * w).transpose(1, 2))
        return x + y.transpose(1, 2).reshape(b, c, h, w)


class VaeMid(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.res1, self.attn, self.res2 = ResnetBlock(c, c), VaeAttention(c), ResnetBlock(c, c)

    def forward(self, x):
        return self.res2(self.attn(self.res1(x)))


class VaeDecoder(nn.Module):
    """latent_sample [B, 4, h, w] (unscaled) -> sample [B, 3, 8h, 8w] in about [-1, 1]."""

    def __init__(self, channels=(8, 16, 32, 32), latent_channels=4):
        super().__init__()
        rev = list(reversed(channels))
        self.post_quant_conv = nn.Conv2d(latent_channels, latent_channels, 1)
        self.conv_in = nn.Conv2d(latent_channels, rev[0], 3, padding=1)
        self.mid = VaeMid(rev[0])
        self.ups = nn.ModuleList()
        self.up_convs = nn.ModuleList()
        for i, (cin, cout) in enumerate(zip(rev, rev[1:])):
            self.ups.append(ResnetBlock(cin if i == 0 else rev[i], cout))
            self.up_convs.append(nn.Conv2d(cout, cout, 3, padding=1))
        self.out_block = ResnetBlock(rev[-1], rev[-1])
        self.conv_norm_out = nn.GroupNorm(groups(rev[-1]), rev[-1])
        self.conv_out = nn.Conv2d(rev[-1], 3, 3, padding=1)

    def forward(self, latent_sample):
        x = self.mid(self.conv_in(self.post_quant_conv(latent_sample)))
        for res, conv in zip(self.ups, self.up_convs):
            x = conv(F.interpolate(res(x), scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.conv_norm_out(self.out_block(x))))


class VaeEncoder(nn.Module):
    """sample [B, 3, H, W] in [-1, 1] -> latent_parameters [B, 8, H/8, W/8] (mean, log-variance)."""

    def __init__(self, channels=(8, 16, 32, 32), latent_channels=4):
        super().__init__()
        self.conv_in = nn.Conv2d(3, channels[0], 3, padding=1)
        self.downs = nn.ModuleList(ResnetBlock(a, b) for a, b in zip(channels, channels[1:]))
        self.down_convs = nn.ModuleList(nn.Conv2d(b, b, 3, stride=2, padding=1) for b in channels[1:])
        self.mid = VaeMid(channels[-1])
        self.conv_norm_out = nn.GroupNorm(groups(channels[-1]), channels[-1])
        self.conv_out = nn.Conv2d(channels[-1], 2 * latent_channels, 3, padding=1)
        self.quant_conv = nn.Conv2d(2 * latent_channels, 2 * latent_channels, 1)

    def forward(self, sample):
        x = self.conv_in(sample)
        for res, conv in zip(self.downs, self.down_convs):
            x = conv(res(x))
        x = self.conv_out(F.silu(self.conv_norm_out(self.mid(x))))
        return self.quant_conv(x)
