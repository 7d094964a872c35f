"""Reference fixtures for the TypeScript runtime's parity tests (fixtures/index.json + .bin files).

Edge cases: token ids, text states (cond, uncond), the initial noise, the latent after each of the
DDIM steps (CFG batch [uncond; cond]) and the decoded image. Split cases add the hand-off step a,
the seeded channel noise, sigma^2, the receiver's noise level per step and its latents.
"""

import os

import numpy as np
import torch
from PIL import Image

from common import to_uint8, write_bin, write_json
from sample import channel, generate, initial_noise, receive


@torch.no_grad()
def write_fixtures(cfg, out_dir, te, unet, ft, vae, sched, tok, prompts, scale, scaling) -> dict:
    fdir = os.path.join(out_dir, "fixtures")
    os.makedirs(fdir, exist_ok=True)
    steps = cfg["num_inference_steps"]
    sched.set_timesteps(steps)
    uncond_ids = torch.tensor([tok.encode("")], dtype=torch.int32)
    cases = []
    n_edge = cfg["n_fixture_cases"]
    plan = [(p, 1000 + 17 * i, None) for i, p in enumerate(prompts[:n_edge])]
    a = cfg["eval_split_steps"]
    plan += [(prompts[0], 1000, (a, 0.0)), (prompts[1], 1017, (a, -6.0))]
    for k, (prompt, seed, split) in enumerate(plan):
        name = f"case{k}"
        ids = torch.tensor([tok.encode(prompt)], dtype=torch.int32)
        cond, uncond = te(ids), te(uncond_ids)
        z0 = initial_noise(seed)
        files = {
            "input_ids": write_bin(f"{fdir}/{name}_input_ids.bin", ids),
            "uncond_input_ids": write_bin(f"{fdir}/{name}_uncond_input_ids.bin", uncond_ids),
            "text_cond": write_bin(f"{fdir}/{name}_text_cond.bin", cond),
            "text_uncond": write_bin(f"{fdir}/{name}_text_uncond.bin", uncond),
            "initial_noise": write_bin(f"{fdir}/{name}_initial_noise.bin", z0),
        }
        rec = []
        case = {"name": name, "prompt": prompt, "seed": seed, "guidance_scale": scale,
                "num_inference_steps": steps, "timesteps": [int(t) for t in sched.timesteps], "eta": 0.0}
        if split is None:
            z = generate(unet, sched, z0, cond, uncond, scale, record=rec)
            case["kind"] = "edge"
        else:
            a, snr = split
            z = generate(unet, sched, z0, cond, uncond, scale, start=0, stop=a, record=rec)
            gen = torch.Generator().manual_seed(seed + 5)
            zr, s2, n = channel(z, snr, gen)
            files["handoff_latent"] = write_bin(f"{fdir}/{name}_handoff_latent.bin", z)
            files["channel_noise"] = write_bin(f"{fdir}/{name}_channel_noise.bin", n)
            levels = []
            z = receive(ft, unet, sched, zr, s2, a, cond, uncond, scale, use_ft=True, record=rec, levels_out=levels)
            files["noise_levels"] = write_bin(f"{fdir}/{name}_noise_levels.bin", torch.stack(levels))
            case.update({"kind": "split", "handoff_step": a, "snr_db": snr, "sigma2": float(s2[0]),
                         "channel_noise_procedure": f"torch.randn(shape, generator=torch.Generator().manual_seed({seed + 5})) * sqrt(sigma2)"})
        files["latents"] = write_bin(f"{fdir}/{name}_latents.bin", torch.stack(rec))  # [steps, 1, 4, 8, 8]
        img = vae.decoder(z / scaling)
        files["image"] = write_bin(f"{fdir}/{name}_image.bin", img)
        Image.fromarray(to_uint8(img)[0]).save(f"{fdir}/{name}.png")
        case["files"] = files
        case["png"] = f"{name}.png"
        cases.append(case)
    index = {
        "format": "raw little-endian arrays; dtype and shape per file",
        "latent_scaling_factor": scaling,
        "initial_noise_procedure": "torch.randn((1, 4, 8, 8), generator=torch.Generator().manual_seed(seed)), float32",
        "cfg_batch_order": "[uncond, cond]; noise = u + guidance_scale * (c - u)",
        "latents": "latent after each DDIM step (scaled latent space), shape [steps, 1, 4, 8, 8]",
        "image": "vae_decoder(latents[-1] / latent_scaling_factor), in [-1, 1], unclamped",
        "noise_levels": "split cases: sigma^2 fed to unet_finetune at each receiver step, decayed by (1 - abar_t) / (1 - abar_t_a)",
        "cases": cases,
    }
    write_json(os.path.join(fdir, "index.json"), index)
    return index
