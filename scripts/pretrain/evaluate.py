"""Quality measurements: VAE PSNR, checker accuracy on real and generated images, split runs."""

import numpy as np
import torch

from common import to_pixels, to_uint8
from sample import channel, generate, initial_noise, receive
from shapes import ATTRIBUTES


def psnr_uint8(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-image PSNR in dB on 8-bit pixels (peak 255)."""
    mse = ((a.astype(np.float64) - b.astype(np.float64)) ** 2).reshape(a.shape[0], -1).mean(axis=1)
    return 10 * np.log10(255.0**2 / np.maximum(mse, 1e-10))


def accuracy(checker, images, labels) -> dict:
    """Per-attribute accuracy, plus 'all' (every attribute right) and 'mean'."""
    pred = checker.predict(images)
    hit = (pred == labels).float()
    out = {a: round(float(hit[:, i].mean()), 4) for i, a in enumerate(ATTRIBUTES)}
    out["all"] = round(float(hit.all(dim=1).float().mean()), 4)
    out["mean"] = round(float(hit.mean()), 4)
    return out


@torch.no_grad()
def text_states(te, tok, prompts):
    ids = torch.tensor([tok.encode(p) for p in prompts], dtype=torch.int32)
    return te(ids), te(torch.tensor([tok.encode("")], dtype=torch.int32))


@torch.no_grad()
def generate_images(te, unet, vae, sched, tok, prompts, seeds, scale, scaling, steps, batch=64):
    sched.set_timesteps(steps)
    outs, lats = [], []
    for i in range(0, len(prompts), batch):
        cond, uncond = text_states(te, tok, prompts[i : i + batch])
        z = torch.cat([initial_noise(s) for s in seeds[i : i + batch]])
        z = generate(unet, sched, z, cond, uncond, scale)
        lats.append(z)
        outs.append(vae.decoder(z / scaling))
    return torch.cat(outs), torch.cat(lats)


@torch.no_grad()
def split_images(te, unet, ft, vae, sched, tok, prompts, seeds, scale, scaling, steps, a, snr_db, use_ft,
                 batch=64):
    """Edge runs a steps, AWGN at snr_db on the hand-off latent (seeded), receiver runs the rest."""
    sched.set_timesteps(steps)
    outs = []
    for i in range(0, len(prompts), batch):
        cond, uncond = text_states(te, tok, prompts[i : i + batch])
        z = torch.cat([initial_noise(s) for s in seeds[i : i + batch]])
        z = generate(unet, sched, z, cond, uncond, scale, start=0, stop=a)
        gen = torch.Generator().manual_seed(777 + i)
        z, s2, _ = channel(z, snr_db, gen)
        z = receive(ft, unet, sched, z, s2, a, cond, uncond, scale, use_ft=use_ft)
        outs.append(vae.decoder(z / scaling))
    return torch.cat(outs)


def vae_psnr(vae, pixels) -> dict:
    with torch.no_grad():
        rec = vae.decoder(vae.encode(pixels)[0])
    p = psnr_uint8(to_uint8(pixels), to_uint8(rec))
    return {"mean_db": round(float(p.mean()), 2), "median_db": round(float(np.median(p)), 2),
            "p10_db": round(float(np.percentile(p, 10)), 2), "n": int(p.shape[0])}


def real_images(scenes, render_set_fn, seed: int, per_scene: int = 1):
    """`per_scene` independent renders of each scene (scene-major), as float [-1, 1] pixels."""
    return to_pixels(render_set_fn(scenes, seed, per_scene))
