"""Writes packages/models/tiny-sd: a randomly initialised model with Stable Diffusion v1.x's
interfaces, in the layout `optimum-cli export onnx` gives a diffusers pipeline, plus PyTorch
fixtures for the runtime's parity tests.

    /usr/bin/python3 scripts/pretrain/tiny_sd/make.py [--out DIR]

Deterministic (seeded); about a minute on 2 cores. See README.md next to this file.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # scripts/pretrain: shapes, ddim, common
sys.path.insert(0, HERE)

import bpe  # noqa: E402
from common import write_bin, write_json  # noqa: E402
from ddim import DDIM  # noqa: E402
from fp16 import to_fp16_io  # noqa: E402
from modules import TextEncoder, UNet, VaeDecoder, VaeEncoder  # noqa: E402
import shapes  # noqa: E402

SEED = 2024
MAX_LENGTH = 77
HIDDEN = 768
SCALING_FACTOR = 0.18215  # SD 1.x's, from its vae config; here simply declared
VAE_CHANNELS = [8, 16, 32, 32]
UNET_CHANNELS = [32, 48]
OPSET = 14
FIXTURE_IMAGE = 64  # fixture cases run at 64x64 (8x8 latents) to keep the files small
FIXTURE_STEPS = 4
GUIDANCE = 7.5
DEFAULT_OUT = os.path.join(HERE, "..", "..", "..", "packages", "models", "tiny-sd")

# SD v1.5's scheduler/scheduler_config.json as published (a PNDM config; DDIM reads the same keys).
SCHEDULER_CONFIG = {
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
}


def corpus() -> list:
    scenes = shapes.make_captions(SEED, 4000, 0.3, set())
    return [shapes.caption(s) for s in scenes]


def export(module, path, example, in_names, out_names, dyn) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module, example, path, input_names=in_names, output_names=out_names, dynamic_axes=dyn,
                      opset_version=OPSET, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path), full_check=True)


def configs(out, vocab_size, vocab) -> None:
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "StableDiffusionPipeline",
        "_diffusers_version": "0.21.0",
        "feature_extractor": [None, None],
        "requires_safety_checker": False,
        "safety_checker": [None, None],
        "scheduler": ["diffusers", "PNDMScheduler"],
        "text_encoder": ["transformers", "CLIPTextModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
    })
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), SCHEDULER_CONFIG)
    write_json(os.path.join(out, "text_encoder", "config.json"), {
        "architectures": ["CLIPTextModel"],
        "model_type": "clip_text_model",
        "hidden_size": HIDDEN,
        "max_position_embeddings": MAX_LENGTH,
        "vocab_size": vocab_size,
        "bos_token_id": vocab[bpe.BOS],
        "eos_token_id": vocab[bpe.EOS],
        "pad_token_id": vocab[bpe.EOS],
        "hidden_act": "quick_gelu",
        "_tiny_sd_inner_width": 64,
    })
    write_json(os.path.join(out, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel",
        "_diffusers_version": "0.21.0",
        "sample_size": 64,
        "in_channels": 4,
        "out_channels": 4,
        "cross_attention_dim": HIDDEN,
        "block_out_channels": UNET_CHANNELS,
        "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
        "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
        "attention_head_dim": 2,
        "layers_per_block": 1,
    })
    vae = {
        "_class_name": "AutoencoderKL",
        "_diffusers_version": "0.21.0",
        "in_channels": 3,
        "out_channels": 3,
        "latent_channels": 4,
        "block_out_channels": VAE_CHANNELS,
        "sample_size": 512,
        "scaling_factor": SCALING_FACTOR,
        "layers_per_block": 1,
    }
    write_json(os.path.join(out, "vae_decoder", "config.json"), vae)
    write_json(os.path.join(out, "vae_encoder", "config.json"), vae)


def sizes(out) -> dict:
    total = {}
    for root, _, files in os.walk(out):
        for f in files:
            if f.endswith(".onnx"):
                p = os.path.join(root, f)
                total[os.path.relpath(p, out)] = os.path.getsize(p)
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    t0 = time.time()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)

    # 1. Tokenizer: byte-level BPE merges learned on the caption corpus.
    lines = corpus()
    merges = bpe.train(lines, max_merges=1000)
    vocab = bpe.build_vocab(merges)
    os.makedirs(os.path.join(out, "tokenizer"), exist_ok=True)
    bpe.write(os.path.join(out, "tokenizer"), vocab, merges, MAX_LENGTH)
    print(f"[tiny-sd] tokenizer: {len(lines)} captions, {len(merges)} merges, vocab {len(vocab)}", flush=True)

    # 2. Models, randomly initialised (interfaces are what is under test, not image quality).
    te = TextEncoder(len(vocab), MAX_LENGTH, hidden_size=HIDDEN).eval()
    unet = UNet(*UNET_CHANNELS, context_dim=HIDDEN).eval()
    dec = VaeDecoder(VAE_CHANNELS).eval()
    enc = VaeEncoder(VAE_CHANNELS).eval()
    params = {n: sum(p.numel() for p in m.parameters()) for n, m in
              [("text_encoder", te), ("unet", unet), ("vae_decoder", dec), ("vae_encoder", enc)]}
    print(f"[tiny-sd] parameters: {params}", flush=True)

    # 3. ONNX in Optimum's layout, names and dynamic axes as Optimum's configs declare them.
    g = torch.Generator().manual_seed(SEED + 1)
    ids = torch.tensor([bpe.encode("a red circle", vocab, merges, MAX_LENGTH)] * 2, dtype=torch.int64)
    ctx = torch.randn((2, MAX_LENGTH, HIDDEN), generator=g)
    z = torch.randn((2, 4, 8, 8), generator=g)
    ts = torch.tensor([981, 1], dtype=torch.int64)
    img = torch.rand((2, 3, 64, 64), generator=g) * 2 - 1
    export(te, f"{out}/text_encoder/model.onnx", (ids,), ["input_ids"], ["last_hidden_state", "pooler_output"],
           {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "last_hidden_state": {0: "batch_size", 1: "sequence_length"}, "pooler_output": {0: "batch_size"}})
    export(unet, f"{out}/unet/model.onnx", (z, ts, ctx), ["sample", "timestep", "encoder_hidden_states"],
           ["out_sample"],
           {"sample": {0: "batch_size", 2: "height", 3: "width"}, "timestep": {0: "steps"},
            "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
            "out_sample": {0: "batch_size", 2: "height", 3: "width"}})
    to_fp16_io(f"{out}/unet/model.onnx", f"{out}/unet/model.fp16.onnx")
    export(dec, f"{out}/vae_decoder/model.onnx", (z,), ["latent_sample"], ["sample"],
           {"latent_sample": {0: "batch_size", 2: "height_latent", 3: "width_latent"},
            "sample": {0: "batch_size", 2: "height", 3: "width"}})
    export(enc, f"{out}/vae_encoder/model.onnx", (img,), ["sample"], ["latent_parameters"],
           {"sample": {0: "batch_size", 2: "height", 3: "width"},
            "latent_parameters": {0: "batch_size", 2: "height_latent", 3: "width_latent"}})
    configs(out, len(vocab), vocab)

    # 4. Fixtures: the pipeline in PyTorch, in the format of packages/diffusion's FixtureReader.
    fx = os.path.join(out, "fixtures")
    os.makedirs(fx, exist_ok=True)
    sched = DDIM(SCHEDULER_CONFIG["beta_start"], SCHEDULER_CONFIG["beta_end"], 1000, 1)
    sched.set_timesteps(FIXTURE_STEPS)
    uncond_ids = torch.tensor([bpe.encode("", vocab, merges, MAX_LENGTH)], dtype=torch.int64)
    with torch.no_grad():
        text_uncond = te(uncond_ids)[0]
    shared = {
        "uncond_input_ids": write_bin(f"{fx}/uncond_input_ids.bin", uncond_ids),
        "text_uncond": write_bin(f"{fx}/text_uncond.bin", text_uncond),
    }
    prompts = [lines[0], "A small,  GREEN triangle on the left!"]
    cases = []
    hl = FIXTURE_IMAGE // 8
    for k, prompt in enumerate(prompts):
        cond_ids = torch.tensor([bpe.encode(prompt, vocab, merges, MAX_LENGTH)], dtype=torch.int64)
        noise = torch.randn((1, 4, hl, hl), generator=torch.Generator().manual_seed(SEED + 10 + k))
        with torch.no_grad():
            text_cond = te(cond_ids)[0]
            x = noise.clone()
            latents = []
            for t in sched.timesteps:
                both = unet(torch.cat([x, x]), torch.tensor([int(t)] * 2), torch.cat([text_uncond, text_cond]))
                eps = both[:1] + GUIDANCE * (both[1:] - both[:1])
                x = sched.step(eps, int(t), x)
                latents.append(x[0])
            image = dec(x / SCALING_FACTOR)
        name = f"case{k}"
        files = dict(shared)
        files.update({
            "input_ids": write_bin(f"{fx}/{name}_input_ids.bin", cond_ids),
            "text_cond": write_bin(f"{fx}/{name}_text_cond.bin", text_cond),
            "initial_noise": write_bin(f"{fx}/{name}_initial_noise.bin", noise),
            "latents": write_bin(f"{fx}/{name}_latents.bin", torch.stack(latents)),
            "image": write_bin(f"{fx}/{name}_image.bin", image),
        })
        cases.append({
            "name": name, "kind": "edge", "prompt": prompt, "seed": SEED + 10 + k, "guidance_scale": GUIDANCE,
            "num_inference_steps": FIXTURE_STEPS, "timesteps": [int(t) for t in sched.timesteps],
            "image_size": [FIXTURE_IMAGE, FIXTURE_IMAGE], "files": files,
        })
    # One UNet call at SD's real latent size (4x64x64, a 512x512 image), conditional only.
    with torch.no_grad():
        big = torch.randn((1, 4, 64, 64), generator=torch.Generator().manual_seed(SEED + 20))
        text0 = te(torch.tensor([bpe.encode(prompts[0], vocab, merges, MAX_LENGTH)]))[0]
        big_out = unet(big, torch.tensor([501]), text0)
    full = {
        "timestep": 501,
        "files": {
            "sample": write_bin(f"{fx}/full_sample.bin", big),
            "encoder_hidden_states": cases[0]["files"]["text_cond"],
            "out_sample": write_bin(f"{fx}/full_out_sample.bin", big_out),
        },
    }
    tok_cases = [{"text": t, "ids": bpe.encode(t, vocab, merges, MAX_LENGTH)} for t in
                 prompts + ["", "two yellow stars at the top; a purple background", "a zebra 42 \u00e9t\u00e9"]]
    write_json(f"{fx}/index.json", {
        "latent_scaling_factor": SCALING_FACTOR,
        "initial_noise_procedure": "torch.randn, seeded per case (stored)",
        "cfg_batch_order": "uncond, cond",
        "cases": cases,
        "unet_full_size": full,
        "tokenizer_cases": tok_cases,
    })
    files = sizes(out)
    write_json(os.path.join(out, "tiny_sd.json"), {
        "generator": "scripts/pretrain/tiny_sd/make.py",
        "seed": SEED,
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "opset": OPSET,
        "parameters": params,
        "onnx_bytes": files,
        "tokenizer": {"captions": len(lines), "merges": len(merges), "vocab_size": len(vocab)},
        "wall_s": round(time.time() - t0, 1),
    })
    print(f"[tiny-sd] wrote {out}: {files} in {time.time() - t0:.1f}s", flush=True)


if __name__ == "__main__":
    main()
