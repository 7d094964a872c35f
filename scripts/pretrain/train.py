"""Training loops, one function per stage. Each logs its loss curve and honours a wall-clock cap."""

import copy
import math
import time

import numpy as np
import torch

from checker import Checker
from common import progress, time_up
from text_encoder import TextEncoder
from unet import UNet
from vae import VAE


class EMA:
    """Exponential moving average of weights with diffusers' warm-up: min(decay, (1 + k) / (10 + k))."""

    def __init__(self, model, decay: float):
        self.model = copy.deepcopy(model).eval()
        self.decay = decay
        self.k = 0

    @torch.no_grad()
    def update(self, model) -> None:
        self.k += 1
        d = min(self.decay, (1 + self.k) / (10 + self.k))
        for e, p in zip(self.model.parameters(), model.parameters()):
            e.mul_(d).add_(p.detach(), alpha=1 - d)
        for e, b in zip(self.model.buffers(), model.buffers()):
            e.copy_(b)


def lr_at(step: int, total: int, warmup: int, base: float, time_frac: float = 0.0) -> float:
    """Linear warm-up, then cosine decay to 10% of the base rate.

    Progress is the larger of the step fraction and the fraction of the stage's wall-clock cap used,
    so a stage that its cap will stop still ends with a decayed rate. A machine that finishes the
    steps within the cap follows the step schedule only (and the run is then deterministic).
    """
    if step < warmup:
        return base * (step + 1) / warmup
    p = max((step - warmup) / max(1, total - warmup), time_frac)
    return base * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))


def _loop(stage, cfg, log, steps, batch_fn, loss_fn, opt, params, warmup, lr, ema=None, models=()):
    cap = cfg["stage_time_cap_s"][stage]
    t0 = time.time()
    every = max(1, steps // 100)
    run = 0.0
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, steps, warmup, lr, (time.time() - t0) / cap)
        loss = loss_fn(*batch_fn(step))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if ema is not None:
            for e, m in zip(ema, models):
                e.update(m)
        run = loss.item() if step == 0 else 0.95 * run + 0.05 * loss.item()
        if step % every == 0 or step == steps - 1:
            log.add(stage, step, loss.item())
        if step % max(1, steps // 10) == 0 or step == steps - 1:
            progress(stage, f"step {step + 1}/{steps} loss {run:.4f} ({time.time() - t0:.0f}s)")
        if time_up(t0, cap):
            log.note(stage, f"stopped by the {cap}s wall-clock cap after {step + 1} of {steps} steps")
            progress(stage, f"time cap {cap}s reached after {step + 1} steps")
            break
    return step + 1


def train_vae(cfg, pixels, log, gen):
    vae = VAE(cfg["vae_channels"], cfg["latent_channels"])
    opt = torch.optim.AdamW(vae.parameters(), lr=cfg["vae_lr"], weight_decay=0.0)
    n, b = pixels.shape[0], cfg["vae_batch"]

    def batch(_):
        return (pixels[torch.randint(0, n, (b,), generator=gen)],)

    def loss(x):
        total, _, _ = vae.loss(x, cfg["vae_kl_weight"])
        return total

    done = _loop("vae", cfg, log, cfg["vae_steps"], batch, loss, opt, list(vae.parameters()), 50, cfg["vae_lr"])
    return vae.eval(), done


@torch.no_grad()
def encode_all(vae, pixels, batch=512):
    return torch.cat([vae.encode(pixels[i : i + batch])[0] for i in range(0, pixels.shape[0], batch)])


@torch.no_grad()
def decode_all(vae, latents, batch=512):
    return torch.cat([vae.decoder(latents[i : i + batch]) for i in range(0, latents.shape[0], batch)])


def train_checker(cfg, pixels, recon, labels, head_sizes, log, gen):
    """Real images, with a share of VAE reconstructions and pixel noise: robust to decoder blur."""
    model = Checker(cfg["checker_channels"], head_sizes)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["checker_lr"], weight_decay=1e-4)
    n, b, nr = pixels.shape[0], cfg["checker_batch"], recon.shape[0]

    def batch(_):
        idx = torch.randint(0, nr, (b,), generator=gen)  # recon[i] is the reconstruction of pixels[i]
        use_rec = torch.rand(b, generator=gen) < cfg["checker_recon_prob"]
        x = torch.where(use_rec[:, None, None, None], recon[idx], pixels[idx])
        x = x + cfg["checker_pixel_noise"] * torch.randn(x.shape, generator=gen)
        return x, labels[idx]

    model.train()
    steps = cfg["checker_steps"]
    done = _loop("checker", cfg, log, steps, batch, model.loss, opt, list(model.parameters()), 50, cfg["checker_lr"])
    return model.eval(), done


def _pos_tokens(cfg) -> int:
    """Latent side length for the UNets' position embeddings (0: none, as the first bundle)."""
    return cfg["image_size"] // 8 if cfg["unet_pos_embed"] else 0


def min_snr_weight(abar: torch.Tensor, gamma) -> torch.Tensor:
    """Min-SNR-gamma loss weight for epsilon prediction, min(SNR_t, gamma) / SNR_t (Hang et al., 2023).

    With plain epsilon MSE the nearly clean timesteps (huge SNR) pull the gradients against the noisy
    ones that decide the layout; clamping their weight makes training converge several times faster,
    which matters on a 2-core budget. gamma None gives weight 1 (the plain loss)."""
    if gamma is None:
        return torch.ones_like(abar)
    snr = abar / (1 - abar)
    return torch.clamp(snr, max=gamma) / snr


def train_unet(cfg, latents, ids, uncond_ids, alphas_cumprod, vocab_size, log, gen):
    """Edge UNet + text encoder, jointly: epsilon loss, caption dropout for CFG, EMA weights."""
    te = TextEncoder(vocab_size, cfg["max_length"], cfg["text_dim"], cfg["text_layers"], cfg["text_heads"])
    unet = UNet(cfg["unet_channels"], cfg["unet_heads"], cfg["text_dim"], cfg["latent_channels"],
                latent_size=_pos_tokens(cfg))
    params = list(te.parameters()) + list(unet.parameters())
    opt = torch.optim.AdamW(params, lr=cfg["unet_lr"], weight_decay=0.0)
    emas = [EMA(te, cfg["ema_decay"]), EMA(unet, cfg["ema_decay"])]
    n, b, T = latents.shape[0], cfg["unet_batch"], cfg["num_train_timesteps"]

    def batch(_):
        idx = torch.randint(0, n, (b,), generator=gen)
        tok = ids[idx].clone()
        drop = torch.rand(b, generator=gen) < cfg["caption_dropout"]
        tok[drop] = uncond_ids
        t = torch.randint(0, T, (b,), generator=gen)
        eps = torch.randn(latents[idx].shape, generator=gen)
        return latents[idx], tok, t, eps

    def loss(x0, tok, t, eps):
        abar = alphas_cumprod[t]
        a = abar[:, None, None, None]
        zt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        per_sample = ((unet(zt, t.float(), te(tok)) - eps) ** 2).mean(dim=(1, 2, 3))
        return torch.mean(per_sample * min_snr_weight(abar, cfg["min_snr_gamma"]))

    te.train(), unet.train()
    done = _loop("unet", cfg, log, cfg["unet_steps"], batch, loss, opt, params, cfg["unet_warmup"],
                 cfg["unet_lr"], emas, (te, unet))
    return emas[0].model, emas[1].model, done


def semantic_noise(zt, snr_db):
    """sigma^2 = P / 10^(SNR/10), P = mean(z^2) per sample (DESIGN.md's convention)."""
    p = zt.pow(2).mean(dim=(1, 2, 3))
    return p / torch.pow(10.0, snr_db / 10.0)


def train_finetune(cfg, latents, ids, uncond_ids, alphas_cumprod, te, log, gen):
    """Receiver UNet: z' = z_t + n, target eps + n / sqrt(1 - abar_t), conditioned on sigma^2.

    sigma^2 is the hand-off level (SNR uniform in dB over cfg ft_snr_db) or, for half the samples, that
    level times U(0, 1): a receiver's later steps see the residual noise decayed by
    (1 - abar_prev) / (1 - abar_t) per DDIM step. A share of samples is noise-free.
    """
    ft = UNet(cfg["ft_channels"], cfg["ft_heads"], cfg["text_dim"], cfg["latent_channels"],
              noise_aware=True, alphas_cumprod=alphas_cumprod, latent_size=_pos_tokens(cfg))
    params = list(ft.parameters())
    opt = torch.optim.AdamW(params, lr=cfg["ft_lr"], weight_decay=0.0)
    ema = EMA(ft, cfg["ema_decay"])
    n, b, T = latents.shape[0], cfg["ft_batch"], cfg["num_train_timesteps"]
    lo, hi = cfg["ft_snr_db"]
    te.eval()

    def batch(_):
        idx = torch.randint(0, n, (b,), generator=gen)
        tok = ids[idx].clone()
        drop = torch.rand(b, generator=gen) < cfg["caption_dropout"]
        tok[drop] = uncond_ids
        with torch.no_grad():
            ctx = te(tok)
        t = torch.randint(0, T, (b,), generator=gen)
        eps = torch.randn(latents[idx].shape, generator=gen)
        unit = torch.randn(latents[idx].shape, generator=gen)
        snr = lo + (hi - lo) * torch.rand(b, generator=gen)
        decay = torch.where(torch.rand(b, generator=gen) < 0.5, torch.rand(b, generator=gen), torch.ones(b))
        clean = torch.rand(b, generator=gen) < cfg["ft_clean_prob"]
        return latents[idx], ctx, t, eps, unit, snr, decay, clean

    def loss(x0, ctx, t, eps, unit, snr, decay, clean):
        a = alphas_cumprod[t]
        a4 = a[:, None, None, None]
        zt = a4.sqrt() * x0 + (1 - a4).sqrt() * eps
        s2 = semantic_noise(zt, snr) * decay
        s2 = torch.where(clean, torch.zeros_like(s2), s2)
        z = zt + s2.sqrt()[:, None, None, None] * unit
        target = eps + s2.sqrt()[:, None, None, None] * unit / (1 - a4).sqrt()
        scale2 = (1 + s2 / (1 - a))[:, None, None, None]  # variance of the target: weight to unit scale
        per_sample = ((ft(z, t.float(), ctx, s2) - target) ** 2 / scale2).mean(dim=(1, 2, 3))
        return torch.mean(per_sample * min_snr_weight(a, cfg["min_snr_gamma"]))

    ft.train()
    done = _loop("finetune", cfg, log, cfg["ft_steps"], batch, loss, opt, params, cfg["ft_warmup"], cfg["ft_lr"],
                 [ema], (ft,))
    return ema.model, done
