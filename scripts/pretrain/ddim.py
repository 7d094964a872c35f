"""DDIM scheduler, mirroring diffusers' DDIMScheduler for the fields in scheduler_config.json.

scaled_linear betas, 'leading' timestep spacing with steps_offset 1, set_alpha_to_one False,
clip_sample False, epsilon prediction, eta 0. All arithmetic in float32 torch, as diffusers does.
"""

import numpy as np
import torch


class DDIM:
    def __init__(self, beta_start=0.00085, beta_end=0.012, num_train_timesteps=1000, steps_offset=1):
        self.num_train_timesteps = num_train_timesteps
        self.steps_offset = steps_offset
        # scaled_linear: betas = linspace(sqrt(beta_start), sqrt(beta_end), T)^2
        self.betas = torch.linspace(beta_start**0.5, beta_end**0.5, num_train_timesteps, dtype=torch.float32) ** 2
        self.alphas = 1.0 - self.betas
        self.alphas_cumprod = torch.cumprod(self.alphas, dim=0)
        self.final_alpha_cumprod = self.alphas_cumprod[0]  # set_alpha_to_one = False
        self.num_inference_steps = None
        self.timesteps = None

    def config(self) -> dict:
        """scheduler_config.json in diffusers' format."""
        return {
            "_class_name": "DDIMScheduler",
            "_diffusers_version": "0.21.0",
            "beta_start": 0.00085,
            "beta_end": 0.012,
            "beta_schedule": "scaled_linear",
            "num_train_timesteps": self.num_train_timesteps,
            "steps_offset": self.steps_offset,
            "set_alpha_to_one": False,
            "clip_sample": False,
            "prediction_type": "epsilon",
            "timestep_spacing": "leading",
            "trained_betas": None,
            "thresholding": False,
            "rescale_betas_zero_snr": False,
        }

    def set_timesteps(self, n: int) -> None:
        # 'leading': step_ratio = T // n; timesteps = arange(n) * ratio, reversed, + offset.
        self.num_inference_steps = n
        ratio = self.num_train_timesteps // n
        ts = (np.arange(0, n) * ratio).round()[::-1].copy().astype(np.int64)
        self.timesteps = torch.from_numpy(ts + self.steps_offset)

    def prev_timestep(self, t: int) -> int:
        return int(t) - self.num_train_timesteps // self.num_inference_steps

    def alpha_prev(self, t: int):
        p = self.prev_timestep(t)
        return self.alphas_cumprod[p] if p >= 0 else self.final_alpha_cumprod

    def step(self, model_output, t: int, sample):
        """One DDIM update (eta = 0): DDIM paper eq. 12 with sigma_t = 0."""
        a_t = self.alphas_cumprod[int(t)]
        a_prev = self.alpha_prev(t)
        b_t = 1 - a_t
        # (1) predicted x0 from the epsilon prediction
        x0 = (sample - b_t**0.5 * model_output) / a_t**0.5
        # (2) direction pointing to x_t (std_dev_t = 0 when eta = 0)
        direction = (1 - a_prev) ** 0.5 * model_output
        # (3) x_{t-1}
        return a_prev**0.5 * x0 + direction
