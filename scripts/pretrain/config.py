"""Every hyperparameter of the Stage-I pre-training pipeline, in one place.

`FULL` is the run that produces the committed bundle (packages/models/default); `QUICK`
overrides a few budgets so that every stage runs end to end in well under 3 minutes (a smoke
test, not a model). The resolved config is written into the bundle as config.json, so a bundle
always says how it was made.
"""

import copy

FULL = {
    # ---- reproducibility -------------------------------------------------------------
    "seed": 1234,  # master seed; each stage derives its own (seed + stage offset)
    "torch_threads": 2,  # = cores of the reference machine (the budget is for 2 cores)
    # ---- dataset (scripts/pretrain/shapes.py: drawn shapes + Fashion-MNIST items, fashion.py)
    "image_size": 64,  # 64x64 RGB; the VAE downsamples 8x (as SD) to a 4x8x8 latent
    "render_supersample": 2,  # shapes are drawn at 2x and box-filtered down (anti-aliasing)
    "n_train_images": 26000,  # training images: one random render per drawn scene (seeded)
    "two_object_prob": 0.3,  # share of images with two objects (left/right or top/bottom pairs)
    "n_test_captions": 240,  # held-out captions for the generated-image evaluation (>= 200)
    "n_val_captions": 64,  # held-out captions used only to pick the guidance scale
    "test_held_out_share": 0.5,  # share of test captions with a held-out (object, colour) combination
    "n_dist_captions": 96,  # first test captions for the distribution metrics (diversity, FCD, consistency)
    "dist_seeds": 8,  # seeds (generated) and independent renders (real) per caption there
    # ---- VAE (KL-regularised autoencoder, scripts/pretrain/vae.py) --------------------
    "vae_channels": [32, 64, 128],  # widths at 32x32, 16x16, 8x8
    "latent_channels": 4,
    "vae_steps": 700,
    "vae_batch": 32,
    "vae_lr": 1e-3,
    "vae_kl_weight": 1e-6,  # SD's autoencoder uses 1e-6: latents stay informative, scale is measured
    # ---- caption checker (scripts/pretrain/checker.py) -------------------------------
    "checker_channels": [24, 48, 64],
    "checker_images": 10000,  # its own renders, all combinations (each with its VAE reconstruction)
    "checker_steps": 3200,  # 16 object classes (tinted, rotated Fashion-MNIST tops look alike) need more than 1600
    "checker_batch": 64,
    "checker_lr": 2e-3,
    "checker_recon_prob": 0.5,  # share of VAE reconstructions in a batch: robust to decoder blur
    "checker_pixel_noise": 0.05,  # std of Gaussian pixel noise augmentation ([-1, 1] units)
    # ---- text encoder (scripts/pretrain/text_encoder.py) -----------------------------
    "max_length": 24,  # tokens incl. <bos>/<eos>; the longest caption has 20
    "text_dim": 128,
    "text_layers": 2,
    "text_heads": 4,
    # ---- diffusion schedule (SD v1.5's, written to scheduler_config.json) ------------
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "num_train_timesteps": 1000,
    # ---- edge UNet (semantic generation module) + text encoder, trained jointly -------
    "unet_channels": [48, 96],  # widths at 8x8 and 4x4
    "unet_heads": 4,
    "unet_steps": 10000,  # the time cap usually ends the stage first (the lr schedule follows it)
    "unet_batch": 64,
    "unet_lr": 6e-4,  # AdamW, linear warm-up then cosine decay to 10%
    "unet_warmup": 150,
    "caption_dropout": 0.1,  # p(caption replaced by "") for classifier-free guidance
    "ema_decay": 0.999,  # with diffusers' warm-up: min(decay, (1 + k) / (10 + k))
    "unet_pos_embed": True,  # learned position embedding in every attention block (both UNets)
    "min_snr_gamma": 5.0,  # Min-SNR-gamma loss weighting (both UNets); None: plain epsilon MSE
    # ---- receiver fine-tuning UNet (noise-aware, lightweight) -------------------------
    "ft_channels": [24, 48],  # ~1/4 of the edge UNet's FLOPs (conv cost scales with width^2)
    "ft_heads": 4,
    "ft_steps": 2200,
    "ft_batch": 64,
    "ft_lr": 8e-4,
    "ft_warmup": 100,
    "ft_snr_db": [-6.0, 15.0],  # semantic-noise SNR range (paper's channel range), uniform in dB
    "ft_clean_prob": 0.15,  # share of samples with no semantic noise (sigma^2 = 0)
    # ---- sampling / evaluation ---------------------------------------------------------
    "num_inference_steps": 20,
    "guidance_candidates": [1.5, 2.5, 3.5, 5.0, 7.0],  # picked on the validation captions
    "eval_split_steps": 10,  # hand-off step a for the edge/receiver split evaluation
    "eval_split_snr_db": [-6.0, 0.0, 15.0],
    "n_split_captions": 96,  # first held-out test captions used by the split evaluation
    "n_fixture_cases": 6,
    "grid_prompts": 8,  # sample grid: prompts x seeds
    "grid_seeds": 6,
    "onnx_opset": 14,
    # ---- wall-clock guards (a stage stops early, and says so, if the shared CPU is slow) --
    # Sized for <= 85 min in all on 2 idle cores (data, latents, evaluation and export take ~5 min
    # of it), inside the 90 min budget; on a busy machine the caps end stages early and say so.
    "stage_time_cap_s": {"vae": 330, "checker": 700, "unet": 2900, "finetune": 500},
}

QUICK = {
    "n_train_images": 600,
    "n_test_captions": 16,
    "n_split_captions": 8,
    "n_dist_captions": 8,
    "dist_seeds": 4,
    "eval_split_snr_db": [0.0],
    "n_val_captions": 8,
    "vae_steps": 40,
    "vae_batch": 16,
    "checker_steps": 30,
    "checker_images": 400,
    "checker_batch": 32,
    "unet_steps": 40,
    "unet_batch": 16,
    "unet_warmup": 5,
    "ft_steps": 30,
    "ft_batch": 16,
    "ft_warmup": 5,
    "guidance_candidates": [3.5],
    "n_fixture_cases": 5,
    "grid_prompts": 3,
    "grid_seeds": 2,
    "stage_time_cap_s": {"vae": 20, "checker": 12, "unet": 20, "finetune": 10},
}


def resolve(quick: bool) -> dict:
    """The FULL config, with the QUICK budgets laid over it when `quick` is set."""
    cfg = copy.deepcopy(FULL)
    if quick:
        cfg.update(copy.deepcopy(QUICK))
    cfg["mode"] = "quick" if quick else "full"
    return cfg
