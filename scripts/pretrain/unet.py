"""Conditional UNet on the 4x8x8 latent: epsilon prediction with cross-attention on text states.

The same class builds the edge UNet (semantic generation module) and the receiver's lightweight
fine-tuning UNet; the latter (`noise_aware=True`) also takes the semantic-noise variance sigma^2
(in scaled-latent units), embedded like the timestep, and predicts the *total* noise: with
z' = sqrt(abar_t) z0 + sqrt(1 - abar_t) eps + n, n ~ N(0, sigma^2 I) (paper eq. 9), its target is
eps_eff = eps + n / sqrt(1 - abar_t), so an unchanged DDIM step recovers z0. eps_eff has standard
deviation sqrt(1 + sigma^2 / (1 - abar_t)), so the network's raw output is multiplied by that
factor inside the graph (output preconditioning, as EDM's c_out).
"""

import math

import torch
from torch import nn
import torch.nn.functional as F

from layers import ResBlock, TransformerBlock, groups, sinusoidal


def noise_level_feature(noise_level):
    """Map sigma^2 >= 0 to a timestep-like scalar for the sinusoidal embedding: 100 * log1p(1000 s)."""
    return 100.0 * torch.log1p(1000.0 * noise_level)


class UNet(nn.Module):
    def __init__(self, channels, heads: int, context_dim: int, latent_channels: int = 4,
                 noise_aware: bool = False, alphas_cumprod=None, latent_size: int = 0):
        """`latent_size` > 0 (the latent's height = width) gives every attention block a learned
        position embedding for its resolution (see layers.TransformerBlock); 0 leaves it out."""
        super().__init__()
        c1, c2 = channels
        n1 = latent_size * latent_size
        n2 = (latent_size // 2) ** 2
        emb = c1 * 4
        self.c1 = c1
        self.noise_aware = noise_aware
        self.time_mlp = nn.Sequential(nn.Linear(c1, emb), nn.SiLU(), nn.Linear(emb, emb))
        if noise_aware:
            self.noise_mlp = nn.Sequential(nn.Linear(c1, emb), nn.SiLU(), nn.Linear(emb, emb))
            self.register_buffer("alphas_cumprod", alphas_cumprod.clone().float())
        self.conv_in = nn.Conv2d(latent_channels, c1, 3, padding=1)
        self.down1 = ResBlock(c1, c1, emb)
        self.attn_d1 = TransformerBlock(c1, heads, context_dim, tokens=n1)
        self.downsample = nn.Conv2d(c1, c1, 3, stride=2, padding=1)  # 8 -> 4
        self.down2 = ResBlock(c1, c2, emb)
        self.attn_d2 = TransformerBlock(c2, heads, context_dim, tokens=n2)
        self.mid = ResBlock(c2, c2, emb)
        self.up2 = ResBlock(c2 + c2, c2, emb)
        self.attn_u2 = TransformerBlock(c2, heads, context_dim, tokens=n2)
        self.upsample = nn.Conv2d(c2, c2, 3, padding=1)  # after nearest 4 -> 8
        self.up1 = ResBlock(c2 + c1, c1, emb)
        self.attn_u1 = TransformerBlock(c1, heads, context_dim, tokens=n1)
        self.norm_out = nn.GroupNorm(groups(c1), c1)
        self.conv_out = nn.Conv2d(c1, latent_channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, sample, timestep, encoder_hidden_states, noise_level=None):
        emb = self.time_mlp(sinusoidal(timestep, self.c1))
        if self.noise_aware:
            emb = emb + self.noise_mlp(sinusoidal(noise_level_feature(noise_level), self.c1))
        ctx = encoder_hidden_states
        h1 = self.attn_d1(self.down1(self.conv_in(sample), emb), ctx)
        h2 = self.attn_d2(self.down2(self.downsample(h1), emb), ctx)
        m = self.mid(h2, emb)
        u2 = self.attn_u2(self.up2(torch.cat([m, h2], dim=1), emb), ctx)
        u = self.upsample(F.interpolate(u2, scale_factor=2.0, mode="nearest"))
        u1 = self.attn_u1(self.up1(torch.cat([u, h1], dim=1), emb), ctx)
        out = self.conv_out(F.silu(self.norm_out(u1)))
        if self.noise_aware:
            abar = self.alphas_cumprod[timestep.long()]
            scale = torch.sqrt(1.0 + noise_level / (1.0 - abar))
            out = out * scale[:, None, None, None]
        return out


class UNetExport(nn.Module):
    """unet/model.onnx: (sample, timestep, encoder_hidden_states) -> out_sample."""

    def __init__(self, unet: UNet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.unet(sample, timestep, encoder_hidden_states)


class FineTuneExport(nn.Module):
    """unet_finetune/model.onnx: (sample, timestep, encoder_hidden_states, noise_level) -> out_sample."""

    def __init__(self, unet: UNet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, noise_level):
        return self.unet(sample, timestep, encoder_hidden_states, noise_level)
