"""KL-regularised autoencoder: 64x64x3 image in [-1, 1] <-> 4x8x8 latent (SD's 8x downsampling).

Kept convolution-light at high resolution (strided 4x4 convs, residual blocks only at 16x16 and
8x8): flat-coloured shapes need little capacity and the whole pipeline trains on 2 CPU cores.
"""

import torch
from torch import nn
import torch.nn.functional as F

from layers import ResBlock, groups


class Encoder(nn.Module):
    def __init__(self, ch, zc: int):
        super().__init__()
        c1, c2, c3 = ch
        self.net = nn.Sequential(
            nn.Conv2d(3, c1, 4, stride=2, padding=1),  # 64 -> 32
            nn.SiLU(),
            nn.Conv2d(c1, c2, 4, stride=2, padding=1),  # 32 -> 16
            ResBlock(c2, c2),
            nn.Conv2d(c2, c3, 4, stride=2, padding=1),  # 16 -> 8
            ResBlock(c3, c3),
            nn.GroupNorm(groups(c3), c3),
            nn.SiLU(),
            nn.Conv2d(c3, 2 * zc, 3, padding=1),  # mean and log-variance
        )

    def forward(self, x):
        return self.net(x)


class Decoder(nn.Module):
    def __init__(self, ch, zc: int):
        super().__init__()
        c1, c2, c3 = ch
        self.net = nn.Sequential(
            nn.Conv2d(zc, c3, 3, padding=1),
            ResBlock(c3, c3),
            nn.Upsample(scale_factor=2.0, mode="nearest"),  # 8 -> 16
            nn.Conv2d(c3, c2, 3, padding=1),
            ResBlock(c2, c2),
            nn.Upsample(scale_factor=2.0, mode="nearest"),  # 16 -> 32
            nn.Conv2d(c2, c1, 3, padding=1),
            nn.GroupNorm(groups(c1), c1),
            nn.SiLU(),
            nn.Conv2d(c1, c1, 3, padding=1),
            nn.SiLU(),
            nn.Upsample(scale_factor=2.0, mode="nearest"),  # 32 -> 64
            nn.Conv2d(c1, c1 // 2, 3, padding=1),
            nn.SiLU(),
            nn.Conv2d(c1 // 2, 3, 3, padding=1),
        )

    def forward(self, z):
        return self.net(z)


class VAE(nn.Module):
    def __init__(self, ch, zc: int = 4):
        super().__init__()
        self.encoder = Encoder(ch, zc)
        self.decoder = Decoder(ch, zc)
        self.zc = zc

    def encode(self, x):
        """(mean, logvar) of the diagonal Gaussian posterior."""
        h = self.encoder(x)
        mean, logvar = h[:, : self.zc], h[:, self.zc :]
        return mean, torch.clamp(logvar, -30.0, 20.0)

    def loss(self, x, kl_weight: float):
        mean, logvar = self.encode(x)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        rec = self.decoder(z)
        mse = F.mse_loss(rec, x)
        kl = 0.5 * torch.mean(torch.sum(mean**2 + logvar.exp() - 1.0 - logvar, dim=(1, 2, 3)))
        return mse + kl_weight * kl, mse, kl


class EncoderExport(nn.Module):
    """vae_encoder/model.onnx: sample -> latent_sample (the posterior mean: deterministic)."""

    def __init__(self, vae: VAE):
        super().__init__()
        self.vae = vae

    def forward(self, sample):
        return self.vae.encode(sample)[0]


class DecoderExport(nn.Module):
    """vae_decoder/model.onnx: latent_sample (unscaled) -> sample in [-1, 1] (unclamped, as SD)."""

    def __init__(self, vae: VAE):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        return self.vae.decoder(latent_sample)
