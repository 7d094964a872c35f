"""Small shared helpers: seeding, progress lines, loss logs, little-endian binary files."""

import json
import os
import random
import sys
import time

import numpy as np
import torch


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def progress(stage: str, msg: str) -> None:
    """One progress line per event, flushed (npm run pretrain shows them as they come)."""
    print(f"[pretrain {time.strftime('%H:%M:%S')}] {stage:<9} {msg}", flush=True)


class LossLog:
    """Per-stage loss curve, kept every `every` steps, plus wall time and early-stop notes."""

    def __init__(self):
        self.stages = {}

    def start(self, stage: str) -> None:
        self.stages[stage] = {"steps": [], "loss": [], "t0": time.time(), "wall_s": None, "notes": []}

    def add(self, stage: str, step: int, loss: float) -> None:
        self.stages[stage]["steps"].append(step)
        self.stages[stage]["loss"].append(round(float(loss), 6))

    def note(self, stage: str, text: str) -> None:
        self.stages[stage]["notes"].append(text)

    def end(self, stage: str) -> float:
        st = self.stages[stage]
        st["wall_s"] = round(time.time() - st.pop("t0"), 1)
        return st["wall_s"]

    def to_json(self) -> dict:
        return {k: {kk: vv for kk, vv in v.items() if kk != "t0"} for k, v in self.stages.items()}


def write_bin(path: str, array) -> dict:
    """Write a float32/int32 array as raw little-endian bytes; return its index entry."""
    a = np.asarray(array.detach().cpu().numpy() if torch.is_tensor(array) else array)
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    if a.dtype == np.int64:
        a = a.astype(np.int32)
    dt = {np.dtype(np.float32): "float32", np.dtype(np.int32): "int32"}[a.dtype]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    a.astype(a.dtype.newbyteorder("<")).tofile(path)
    return {"file": os.path.basename(path), "dtype": dt, "shape": list(a.shape)}


def write_json(path: str, obj) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def time_up(t0: float, cap_s: float) -> bool:
    return time.time() - t0 > cap_s


def to_pixels(images_uint8) -> torch.Tensor:
    """uint8 [N, H, W, 3] -> float32 [N, 3, H, W] in [-1, 1] (SD's VAE convention)."""
    return torch.from_numpy(images_uint8).permute(0, 3, 1, 2).float() / 127.5 - 1.0


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """float [N, 3, H, W] in [-1, 1] -> uint8 [N, H, W, 3] (clamped, rounded)."""
    x = ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return x.permute(0, 2, 3, 1).cpu().numpy()


def log_stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
