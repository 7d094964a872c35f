"""Text-to-latent sampling with classifier-free guidance: edge-only and split edge/receiver."""

import torch

from train import semantic_noise


def initial_noise(seed: int, shape=(1, 4, 8, 8)) -> torch.Tensor:
    """The documented initial-noise procedure: torch.randn(shape, generator=torch.Generator().manual_seed(seed))
    (float32, CPU generator, as diffusers with a CPU generator). Fixtures store the result."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def guided(model_fn, z, t, cond, uncond, scale, extra=None):
    """diffusers' CFG: the batch is [uncond; cond], noise = u + scale * (c - u)."""
    b = z.shape[0]
    zz = torch.cat([z, z])
    tt = torch.full((2 * b,), float(t), dtype=torch.float32)
    ctx = torch.cat([uncond.expand(b, -1, -1), cond])
    args = (zz, tt, ctx) if extra is None else (zz, tt, ctx, torch.cat([extra, extra]))
    out = model_fn(*args)
    u, c = out.chunk(2)
    return u + scale * (c - u)


@torch.no_grad()
def generate(unet, sched, z, cond, uncond, scale, start=0, stop=None, record=None):
    """DDIM steps [start, stop) of sched.timesteps with the edge UNet; `record` collects latents."""
    ts = sched.timesteps[start:stop]
    for t in ts:
        eps = guided(unet, z, int(t), cond, uncond, scale)
        z = sched.step(eps, int(t), z)
        if record is not None:
            record.append(z.clone())
    return z


def receiver_noise_levels(sched, a: int, s2: torch.Tensor):
    """sigma^2 per receiver step: the hand-off level decays as (1 - abar_tau) / (1 - abar_{tau_a})."""
    ac = sched.alphas_cumprod
    ta = int(sched.timesteps[a])
    return [s2 * (1 - ac[int(t)]) / (1 - ac[ta]) for t in sched.timesteps[a:]]


@torch.no_grad()
def channel(z, snr_db: float, gen: torch.Generator):
    """AWGN on the hand-off latent: returns (z', sigma^2 per sample, the noise)."""
    s2 = semantic_noise(z, torch.full((z.shape[0],), float(snr_db)))
    n = torch.randn(z.shape, generator=gen) * s2.sqrt()[:, None, None, None]
    return z + n, s2, n


@torch.no_grad()
def receive(ft, unet, sched, z, s2, a, cond, uncond, scale, use_ft=True, record=None, levels_out=None):
    """Receiver steps a..T-1: the noise-aware fine-tuning UNet (or the edge UNet, 'non-fine-tuning')."""
    levels = receiver_noise_levels(sched, a, s2)
    for k, t in enumerate(sched.timesteps[a:]):
        if use_ft:
            eps = guided(ft, z, int(t), cond, uncond, scale, extra=levels[k])
        else:
            eps = guided(unet, z, int(t), cond, uncond, scale)
        z = sched.step(eps, int(t), z)
        if record is not None:
            record.append(z.clone())
        if levels_out is not None:
            levels_out.append(levels[k].clone())
    return z
