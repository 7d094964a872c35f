"""ONNX export in the diffusers layout, onnx.checker on each file, and PyTorch parity data.

Each model is exported at batch 1 with a dynamic 'batch' axis; the parity data (inputs and
PyTorch outputs, batch 2) lets the Node script check the files under onnxruntime-node, and
proves that the batch axis really is dynamic (classifier-free guidance runs batch 2x).
"""

import os

import numpy as np
import onnx
import torch

from checker import Checker
from common import write_bin, write_json
from shapes import ATTRIBUTES
from unet import FineTuneExport, UNetExport
from vae import DecoderExport, EncoderExport

DT = {torch.float32: "float32", torch.int32: "int32"}


def _spec(name, t):
    return {"name": name, "dtype": DT[t.dtype], "shape": ["batch"] + list(t.shape[1:])}


class CheckerExport(torch.nn.Module):
    def __init__(self, checker: Checker):
        super().__init__()
        self.checker = checker

    def forward(self, image):
        return self.checker(image)


def components(cfg, te, unet, ft, vae, checker, vocab_size):
    """(name, module, input names, example inputs at batch 2, output names) per ONNX file."""
    g = torch.Generator().manual_seed(cfg["seed"] + 99)
    L, D, s = cfg["max_length"], cfg["text_dim"], cfg["image_size"]
    ids = torch.randint(0, vocab_size, (2, L), generator=g, dtype=torch.int64).to(torch.int32)
    z = torch.randn((2, 4, s // 8, s // 8), generator=g)
    t = torch.tensor([951.0, 401.0])
    ctx = torch.randn((2, L, D), generator=g)
    nl = torch.tensor([0.0, 0.7])
    img = torch.rand((2, 3, s, s), generator=g) * 2 - 1
    heads = [f"{a}_logits" for a in ATTRIBUTES]
    return [
        ("text_encoder", te, ["input_ids"], (ids,), ["last_hidden_state"]),
        ("unet", UNetExport(unet), ["sample", "timestep", "encoder_hidden_states"], (z, t, ctx), ["out_sample"]),
        ("unet_finetune", FineTuneExport(ft), ["sample", "timestep", "encoder_hidden_states", "noise_level"],
         (z, t, ctx, nl), ["out_sample"]),
        ("vae_encoder", EncoderExport(vae), ["sample"], (img,), ["latent_sample"]),
        ("vae_decoder", DecoderExport(vae), ["latent_sample"], (z,), ["sample"]),
        ("checker", CheckerExport(checker), ["image"], (img,), heads),
    ]


def export_all(cfg, out_dir, te, unet, ft, vae, checker, vocab_size) -> dict:
    """Write <name>/model.onnx and parity/<name>/*.bin; return the manifest's 'components'."""
    result, parity = {}, {}
    for name, module, in_names, example, out_names in components(cfg, te, unet, ft, vae, checker, vocab_size):
        module.eval()
        path = os.path.join(out_dir, name, "model.onnx")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        one = tuple(x[:1] for x in example)
        dyn = {n: {0: "batch"} for n in in_names + out_names}
        torch.onnx.export(module, one, path, input_names=in_names, output_names=out_names, dynamic_axes=dyn,
                          opset_version=cfg["onnx_opset"], do_constant_folding=True)
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        with torch.no_grad():
            outs = module(*example)
        outs = outs if isinstance(outs, tuple) else (outs,)
        pdir = os.path.join(out_dir, "parity", name)
        parity[name] = {
            "model": f"{name}/model.onnx",
            "inputs": {n: write_bin(os.path.join(pdir, f"in_{n}.bin"), x) for n, x in zip(in_names, example)},
            "outputs": {n: write_bin(os.path.join(pdir, f"out_{n}.bin"), y) for n, y in zip(out_names, outs)},
        }
        result[name] = {
            "file": f"{name}/model.onnx",
            "bytes": os.path.getsize(path),
            "opset": cfg["onnx_opset"],
            # counted from the ONNX initializers: the VAE halves wrap the whole VAE module
            "params": int(sum(int(np.prod(t.dims)) for t in model.graph.initializer)),
            "inputs": [_spec(n, x) for n, x in zip(in_names, example)],
            "outputs": [_spec(n, y) for n, y in zip(out_names, outs)],
            "onnx_checker": "passed",
        }
    write_json(os.path.join(out_dir, "parity", "index.json"),
               {"tolerance": 1e-4, "note": "inputs and PyTorch outputs, little-endian", "components": parity})
    return result
