"""Cross-language fixtures for the TypeScript receiver steps and the channel's noise convention.

Writes packages/diffusion/test/fixtures/receiver-steps.json and noise-convention.json, which
packages/diffusion/test/receiver-steps.test.ts and noise-convention.test.ts check the TypeScript
runtime against. Run from the repository root:

    /usr/bin/python3 scripts/pretrain/step_fixtures.py
    npx prettier --write packages/diffusion/test/fixtures/*.json   # the repo's JSON style (CI checks it)

The Python side here is written from the equations (the package README gives one per receiver
variant), on the schedule of ddim.py, not translated from the TypeScript code:
  * one receiver step of naive, prop1, prop1-eta1 and remap, and their plans (t*, re-spaced
    timesteps, per-step noise levels), on seeded latents and a seeded stand-in for the UNet's eps;
  * the channel: the TypeScript channel's seeded generator (xoshiro128** seeded from (seed,
    purpose), 256-layer ziggurat) and its analog AWGN, re-implemented, so that a fixture latent's
    noisy version can be reproduced bit for bit on either side;
  * the reverse: the sigma^2 the fine-tuning UNet is trained with (train.semantic_noise) and the
    per-step levels the pipeline feeds it (sample.receiver_noise_levels), imported unchanged.
"""

import json
import math
import os
import re
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from ddim import DDIM  # noqa: E402
from sample import receiver_noise_levels  # noqa: E402
from train import semantic_noise  # noqa: E402

OUT_DIR = os.path.join(ROOT, "packages", "diffusion", "test", "fixtures")
ZIGGURAT_TS = os.path.join(ROOT, "packages", "channel", "src", "ziggurat-tables.ts")
TOTAL_STEPS = 20
M32 = 0xFFFFFFFF


# ---------------------------------------------------------------- schedule and receiver steps


def alphas_cumprod64(sched: DDIM) -> np.ndarray:
    """abar_t in float64 from ddim.py's scaled-linear betas (ddim.py keeps float32; t* is a
    threshold search, so it needs the double-precision products the runtime uses)."""
    cfg = sched.config()
    b = np.linspace(cfg["beta_start"] ** 0.5, cfg["beta_end"] ** 0.5, cfg["num_train_timesteps"], dtype=np.float64) ** 2
    ac = np.cumprod(1.0 - b)
    assert np.max(np.abs(ac - sched.alphas_cumprod.double().numpy())) < 1e-6, "ddim.py's schedule moved"
    return ac


def abar_at(ac: np.ndarray, t: int) -> float:
    """abar at t; a negative t (the step after the schedule's last) is abar_0 (set_alpha_to_one False)."""
    return float(ac[min(t, len(ac) - 1)]) if t >= 0 else float(ac[0])


def js_round(x: float) -> int:
    """Math.round: halves go up (Python's round() goes to even)."""
    return int(math.floor(x + 0.5))


def effective_timestep(ac: np.ndarray, tau: int, s2: float) -> int:
    """Smallest t >= tau with (1 - abar_t)/abar_t >= ((1 - abar_tau) + s2)/abar_tau; the last t if none."""
    target = (1.0 - ac[tau] + s2) / ac[tau]
    nsr = (1.0 - ac) / ac
    hits = np.nonzero(nsr[tau:] >= target)[0]
    return int(tau + hits[0]) if len(hits) else len(ac) - 1


def respaced(t_star: int, t_last: int, k: int) -> list:
    if k <= 0:
        return []
    if k == 1:
        return [t_star]
    return [js_round(t_star - i * (t_star - t_last) / (k - 1)) for i in range(k)]


def decayed(ac, s2, tau, t):
    """sigma_k^2 = sigma^2 (1 - abar_t)/(1 - abar_tau): what the receiver's step at t still carries."""
    return s2 * (1.0 - abar_at(ac, t)) / (1.0 - abar_at(ac, tau))


def plan(sched: DDIM, ac, variant: str, a: int, s2: float) -> dict:
    ts = [int(t) for t in sched.timesteps]
    tau, t_last, k = ts[a], ts[-1], len(ts) - a
    stride = sched.num_train_timesteps // sched.num_inference_steps
    steps, scale, t_star = ts[a:], 1.0, None
    if variant == "remap" and s2 > 0:
        t_star = effective_timestep(ac, tau, s2)
        scale = math.sqrt(ac[t_star] / ac[tau])
        steps = respaced(t_star, t_last, k)
    prev = steps[1:] + [t_last - stride]
    return {"timesteps": steps, "prevTimesteps": prev, "inputScale": scale, "tStar": t_star,
            "noiseLevels": [decayed(ac, s2, tau, t) for t in steps]}


def ddim_step(z, eps, a_t, a_prev):
    """DDIM eq. 12 with eta = 0: x0 = (z - sqrt(1 - abar_t) eps)/sqrt(abar_t), z' = sqrt(abar_prev) x0 + sqrt(1 - abar_prev) eps."""
    x0 = (z - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
    return math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps


def prop1_step(z, eps, a_t, a_prev, s_t, s_prev, eta, fresh):
    """Paper eq. 8 on a stride t -> t_prev: alpha = abar_t/abar_prev, sigma_{t,t-1}^2 = max(s_t - alpha s_prev, 0),
    C = (1 - alpha + s_tt)(sqrt(1 - abar_t) - s_t)/(1 - abar_t + s_prev alpha + s_tt), and the posterior std
    sqrt((1 - abar_prev + s_prev)(1 - alpha + s_tt)/(1 - abar_t + s_t)) scaled by eta."""
    alpha = a_t / a_prev
    s_tt = max(s_t - alpha * s_prev, 0.0)
    c = (1 - alpha + s_tt) * (math.sqrt(1 - a_t) - s_t) / (1 - a_t + s_prev * alpha + s_tt)
    sigma_bar = eta * math.sqrt(max((1 - a_prev + s_prev) * (1 - alpha + s_tt) / (1 - a_t + s_t), 0.0))
    out = (z - c * eps) / math.sqrt(alpha)
    return out + sigma_bar * fresh if eta > 0 else out, c, sigma_bar


def step(variant, ac, p, j, z, eps, fresh, s2):
    t, t_prev = p["timesteps"][j], p["prevTimesteps"][j]
    a_t, a_prev = abar_at(ac, t), abar_at(ac, t_prev)
    eta = 1.0 if variant == "prop1-eta1" else 0.0
    # prop1 keeps plain DDIM on a clean hand-off; prop1-eta1 is eq. 8 everywhere (DDPM ancestral when s2 = 0)
    if variant == "prop1-eta1" or (variant == "prop1" and s2 > 0):
        last = j + 1 == len(p["timesteps"])
        s_prev = 0.0 if last else p["noiseLevels"][j + 1]
        out, c, sb = prop1_step(z, eps, a_t, a_prev, p["noiseLevels"][j], s_prev, eta, fresh)
        return out, {"c": c, "sigmaBar": sb}
    return ddim_step(z, eps, a_t, a_prev), None


def f32_list(x) -> list:
    """float32 values as their shortest round-trip decimals (Math.fround of the parsed double gives them back)."""
    return [float(str(v)) for v in np.asarray(x, dtype=np.float32).reshape(-1)]


def receiver_step_cases(sched, ac) -> list:
    gen = torch.Generator().manual_seed(20261201)
    cases = []
    for variant in ["naive", "prop1", "prop1-eta1", "remap", "finetune"]:
        for a, s2 in [(5, 0.0), (5, 0.35), (10, 0.05), (10, 1.4), (18, 0.6)]:
            # the update is elementwise: 64 values exercise it as well as a whole 4x8x8 latent
            z = (torch.randn((64,), generator=gen) * 1.05).double().numpy()
            eps = torch.randn((64,), generator=gen).double().numpy()
            fresh = torch.randn((64,), generator=gen).double().numpy()
            p = plan(sched, ac, variant, a, s2)
            k = len(p["timesteps"])
            z_in = (z.astype(np.float32).astype(np.float64)) * p["inputScale"]
            steps = []
            for j in sorted({0, k - 1}):
                out, co = step(variant, ac, p, j, z_in, eps.astype(np.float32).astype(np.float64),
                               fresh.astype(np.float32).astype(np.float64), s2)
                steps.append({"j": j, "out": f32_list(out), "coefficients": co})
            cases.append({"variant": variant, "fromIndex": a, "sigma2": s2, "plan": p,
                          "latent": f32_list(z), "eps": f32_list(eps), "fresh": f32_list(fresh),
                          "steps": steps})
    return cases


def timestep_cases(sched, ac) -> dict:
    ts = [int(t) for t in sched.timesteps]
    eff = []
    for a in [0, 2, 5, 10, 15, 18, 19]:
        for s2 in [0.0, 1e-4, 0.01, 0.1, 0.5, 1.0, 3.0, 10.0, 1e3]:
            eff.append({"tau": ts[a], "sigma2": s2, "tStar": effective_timestep(ac, ts[a], s2)})
    resp = [{"tStar": t, "tLast": 1, "k": k, "timesteps": respaced(t, 1, k)}
            for t, k in [(999, 20), (702, 10), (555, 7), (451, 1), (451, 0), (130, 3), (101, 2), (333, 18)]]
    return {"effectiveTimestep": eff, "respacedTimesteps": resp}


# ---------------------------------------------------------------- the TypeScript channel's generator


def fmix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    return h ^ (h >> 16)


def fnv1a(s: str) -> int:
    h = 0x811C9DC5
    for ch in s.encode("utf-16-le")[::2]:  # purposes are ASCII: one code unit per character
        h = ((h ^ ch) * 0x01000193) & M32
    return h


def rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (32 - k))) & M32


class Xoshiro128:
    """xoshiro128** (Blackman & Vigna), seeded from (seed, purpose) as packages/channel's rngFor."""

    def __init__(self, seed: int, purpose: str):
        ph = fnv1a(purpose)
        lo, hi = seed & M32, (seed >> 32) & M32
        a = fmix32(((lo + 0x9E3779B9) & M32) ^ ph)
        b = fmix32(((hi + 0x7F4A7C15) & M32) ^ fmix32(ph))
        c = fmix32(a ^ rotl(b, 16) ^ 0x13198A2E)
        d = fmix32(b ^ rotl(a, 11) ^ 0x03707344)
        self.s = [a, b, c, d]
        if not any(self.s):
            self.s[0] = 1
        for _ in range(8):  # warm-up
            self.next_u32()

    def next_u32(self) -> int:
        s0, s1, s2, s3 = self.s
        r = (rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return r

    def next_float(self) -> float:
        return self.next_u32() / 4294967296.0

    def next_float_open(self) -> float:
        return (self.next_u32() + 0.5) / 4294967296.0


def ziggurat_tables():
    """ZIGGURAT_X and ZIGGURAT_F, parsed from the TypeScript literals (a literal parses to the same double)."""
    src = open(ZIGGURAT_TS).read()

    def grab(name):
        body = re.search(name + r"[^=]*=\s*\[(.*?)\]", src, re.S).group(1)
        return [float(v) for v in re.findall(r"[-+0-9.eE]+", body)]

    return grab("ZIGGURAT_X"), grab("ZIGGURAT_F")


class Gaussian:
    """256-layer ziggurat: the low 8 bits of a draw pick the layer, the signed high 24 bits the abscissa."""

    def __init__(self):
        x, f = ziggurat_tables()
        self.x, self.f, self.r = x, f, x[1]
        half = 8388608.0
        self.w = [x[i] / half for i in range(256)]
        self.ki = [math.ceil((x[i + 1] / x[i]) * half - 0.5) for i in range(256)]

    def draw(self, rng: Xoshiro128) -> float:
        while True:
            u = rng.next_u32()
            i = u & 255
            m = (u - (1 << 32) if u >= 1 << 31 else u) >> 8  # arithmetic shift of the signed draw
            if (m ^ (m >> 31)) < self.ki[i]:
                return (m + 0.5) * self.w[i]
            if i == 0:  # Marsaglia's tail
                while True:
                    a = -math.log(rng.next_float_open()) / self.r
                    b = -math.log(rng.next_float_open())
                    if b + b >= a * a:
                        return -(self.r + a) if m < 0 else self.r + a
            x = (m + 0.5) * self.w[i]
            y = self.f[i] + rng.next_float() * (self.f[i + 1] - self.f[i])
            if y < math.exp(-0.5 * x * x):
                return x


def signal_power(x32: np.ndarray) -> float:
    """mean(x^2) with the runtime's four interleaved float64 partial sums (a fixed summation order)."""
    v = [float(t) for t in x32]
    s = [0.0, 0.0, 0.0, 0.0]
    m = len(v) - len(v) % 4
    for i in range(0, m, 4):
        for k in range(4):
            s[k] += v[i + k] * v[i + k]
    for i in range(m, len(v)):
        s[0] += v[i] * v[i]
    return (s[0] + s[1] + s[2] + s[3]) / len(v)


def analog_awgn(x32: np.ndarray, snr_db: float, seed: int, gauss: Gaussian):
    """Analog mode, no fading, unit-power normalisation: y = (x/sqrt(P) + sqrt(1/snr) g) sqrt(P)."""
    p = signal_power(x32)
    scale = math.sqrt(p)
    noise_var = (p / (scale * scale)) / math.pow(10, snr_db / 10)
    sigma, in_scale = math.sqrt(noise_var), 1 / scale
    rng = Xoshiro128(seed, "noise")
    y = np.array([(float(v) * in_scale + sigma * gauss.draw(rng)) * scale for v in x32], dtype=np.float32)
    return y, noise_var * scale * scale


def noise_cases(sched) -> dict:
    gauss = Gaussian()
    gen = torch.Generator().manual_seed(77)
    latent = (torch.randn((1, 4, 8, 8), generator=gen) * 0.85 + 0.05).float()
    x32 = latent.numpy().reshape(-1)
    rng_check = []
    for seed, purpose in [(0, "noise"), (1, "latent"), (5000, "prop1"), (2**40 + 17, "noise")]:
        r = Xoshiro128(seed, purpose)
        u = [r.next_u32() for _ in range(4)]
        g = Gaussian().draw(Xoshiro128(seed, purpose))
        rng_check.append({"seed": seed, "purpose": purpose, "uint32": u, "firstGaussian": g})
    # a long run of draws reaches the rare wedge and tail paths too
    r = Xoshiro128(99, "latent")
    many = [gauss.draw(r) for _ in range(2048)]
    channel = []
    for snr, seed in [(-6.0, 11), (0.0, 12345), (10.0, 2**40 + 3), (15.0, 7)]:
        y, s2 = analog_awgn(x32, snr, seed, gauss)
        channel.append({"snrDb": snr, "seed": seed, "noiseVariance": s2, "output": f32_list(y)})
    # the reverse: the convention the fine-tuning UNet is trained with, from the training code itself
    snrs = [-6.0, -3.0, 0.0, 3.0, 6.0, 10.0, 15.0]
    trained = semantic_noise(latent.expand(len(snrs), -1, -1, -1), torch.tensor(snrs))
    sched.set_timesteps(TOTAL_STEPS)
    levels = []
    for a in [2, 10, 18]:
        s2 = trained[1:2]  # -3 dB
        lv = receiver_noise_levels(sched, a, s2)
        levels.append({"fromIndex": a, "sigma2": float(s2[0]), "levels": [float(v[0]) for v in lv]})
    return {
        "latent": f32_list(x32),
        "rng": rng_check,
        "gaussians": {"seed": 99, "purpose": "latent", "values": many},
        "channel": channel,
        "training": {"snrDb": snrs, "sigma2": [float(v) for v in trained], "receiverLevels": levels,
                     "source": "scripts/pretrain/train.py semantic_noise, sample.py receiver_noise_levels"},
    }


def write(name: str, obj: dict) -> None:
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def main() -> None:
    sched = DDIM()
    sched.set_timesteps(TOTAL_STEPS)
    ac = alphas_cumprod64(sched)
    write("receiver-steps.json", {
        "generator": "scripts/pretrain/step_fixtures.py",
        "totalSteps": TOTAL_STEPS,
        "scheduler": sched.config(),
        "timesteps": [int(t) for t in sched.timesteps],
        **timestep_cases(sched, ac),
        "steps": receiver_step_cases(sched, ac),
    })
    write("noise-convention.json", {"generator": "scripts/pretrain/step_fixtures.py", **noise_cases(sched)})


if __name__ == "__main__":
    main()
