"""PyTorch eager speed of the bundle's networks, for `npm run bench -- diffusion`.

Speed does not depend on the trained values, so the modules are built from the bundle's
config.json with the pre-training code (scripts/pretrain) and random weights; shapes, widths
and the forward code are the ones that were exported to ONNX. Prints one JSON object.
Usage: /usr/bin/python3 scripts/bench/torch_speed.py <bundle_dir> [iterations]
"""

import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pretrain"))

import torch  # noqa: E402

from text_encoder import TextEncoder  # noqa: E402
from unet import UNet  # noqa: E402
from vae import VAE  # noqa: E402


def timed(fn, n):
    fn()  # warm-up
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    out.sort()
    return {"n": n, "median": statistics.median(out), "p10": out[int(0.1 * (n - 1))], "p90": out[int(0.9 * (n - 1))]}


def main():
    bundle, iters = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50
    cfg = json.load(open(os.path.join(bundle, "config.json")))
    manifest = json.load(open(os.path.join(bundle, "manifest.json")))
    vocab = json.load(open(os.path.join(bundle, manifest["tokenizer"]["vocab"])))
    torch.manual_seed(0)
    torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))
    L, D = cfg["max_length"], cfg["text_dim"]
    te = TextEncoder(len(vocab), L, D, cfg["text_layers"], cfg["text_heads"]).eval()
    unet = UNet(cfg["unet_channels"], cfg["unet_heads"], D, cfg["latent_channels"]).eval()
    vae = VAE(cfg["vae_channels"], cfg["latent_channels"]).eval()
    lat = manifest["latent"]
    z = torch.randn(1, lat["channels"], lat["height"], lat["width"])
    ids = torch.zeros(1, L, dtype=torch.int32)
    ctx = torch.randn(2, L, D)

    def unet_step():
        zz = torch.cat([z, z])
        out = unet(zz, torch.full((2,), 500.0), ctx)
        u, c = out.chunk(2)
        return u + 3.5 * (c - u)

    def generate():
        x = z
        te(ids)
        for t in range(20):
            eps = unet(torch.cat([x, x]), torch.full((2,), float(951 - 50 * t)), ctx)
            x = x - 0.01 * eps[:1]
        return vae.decoder(x)

    with torch.no_grad():
        res = {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "unetStepMs": timed(unet_step, iters),
            "textEncodeMs": timed(lambda: te(ids), iters),
            "vaeDecodeMs": timed(lambda: vae.decoder(z), iters),
            "generate20Ms": timed(generate, max(5, iters // 10)),
        }
    print(json.dumps(res))


if __name__ == "__main__":
    main()
