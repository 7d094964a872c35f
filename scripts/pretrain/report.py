"""REPORT.md, the sample grid and the loss plot, generated from the run's measurements."""

import math
import os

import numpy as np
from PIL import Image, ImageDraw

from common import to_uint8
from shapes import ATTRIBUTES

STAGE_COLOURS = {"vae": (200, 60, 60), "checker": (60, 140, 60), "unet": (50, 80, 200), "finetune": (200, 140, 30)}


def sample_grid(images, rows: int, cols: int, path: str, pad: int = 2) -> None:
    """rows = prompts, cols = seeds; images [rows * cols, 3, H, W] in [-1, 1]."""
    arr = to_uint8(images)
    h, w = arr.shape[1:3]
    grid = Image.new("RGB", (cols * (w + pad) + pad, rows * (h + pad) + pad), (255, 255, 255))
    for i in range(rows * cols):
        r, c = divmod(i, cols)
        grid.paste(Image.fromarray(arr[i]), (pad + c * (w + pad), pad + r * (h + pad)))
    grid = grid.resize((grid.width * 2, grid.height * 2), Image.NEAREST)
    grid.save(path)


def loss_plot(stages: dict, path: str, w: int = 640, h: int = 200) -> None:
    """One panel per stage: log10(loss) against step (PIL only; no plotting library needed)."""
    names = [s for s in STAGE_COLOURS if s in stages and stages[s]["loss"]]
    img = Image.new("RGB", (w * len(names) // 2 if len(names) > 1 else w, h + 20), (255, 255, 255))
    pw = img.width // max(1, len(names))
    d = ImageDraw.Draw(img)
    for k, s in enumerate(names):
        x0 = k * pw + 30
        xs, ys = stages[s]["steps"], [math.log10(max(v, 1e-8)) for v in stages[s]["loss"]]
        lo, hi = min(ys), max(ys)
        span = hi - lo or 1.0
        pts = [(x0 + (pw - 40) * x / max(1, xs[-1]), 10 + (h - 30) * (hi - y) / span) for x, y in zip(xs, ys)]
        d.rectangle([x0, 10, x0 + pw - 40, h - 20], outline=(180, 180, 180))
        if len(pts) > 1:
            d.line(pts, fill=STAGE_COLOURS[s], width=2)
        d.text((x0 + 4, h - 16), f"{s}: log10 loss {hi:.2f}..{lo:.2f}, {xs[-1] + 1} steps", fill=(0, 0, 0))
    img.save(path)


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


DEPARTURES = [
    "## Departures from the paper",
    "",
    "- Our own small latent diffusion model (64x64 images, 4x8x8 latents, word-level tokenizer, a text encoder "
    "trained jointly with the UNet) on a procedural + Fashion-MNIST dataset, instead of SD v1.5, CLIP and LAION.",
    "- The text-image consistency score is the caption checker's attribute accuracy, not a CLIP score; FCD is "
    "FID's Frechet distance computed on the checker's features instead of Inception's. The checker is trained on "
    "its own renders of every (object, colour) combination, held-out ones included (never a test caption or test "
    "photograph), so that held-out-combination consistency measures the generator rather than the judge.",
    "- The receiver's fine-tuning UNet is trained from scratch, narrower than the edge UNet, and predicts the "
    "total noise (diffusion + channel) so the unchanged DDIM step removes both.",
    "",
]


def _dataset_section(d) -> list:
    if not d:
        return []
    return [
        "## Dataset and splits",
        "",
        "A caption names the object (6 drawn shapes or 10 Fashion-MNIST item classes), colour, size class, region "
        "(one object in one of 5, or a left/right or top/bottom pair) and background colour. Every image draws the "
        "rest: position jitter (+-5 px) inside the region, size within the class, rotation, colour shade, background "
        "shade, gradient and texture (none, stripes, blotches), clutter specks in 35% of images, and for items one "
        "photograph of the class, tinted by the caption's colour (`scripts/pretrain/shapes.py`).",
        "",
        f"- Training: {d['n_train_images']} images, one render per drawn scene ({d['n_train_with_item']} with an item), "
        f"{d['n_train_distinct_captions']} distinct captions.",
        f"- Test: {d['n_test_captions']} captions never in training, {d['n_test_with_held_out_combination']} of them "
        f"with a held-out combination; validation: {d['n_validation_captions']} captions (guidance scale only).",
        "- Held-out (colour, object) combinations, in no training image: " + ", ".join(d["held_out_combinations"]) + ".",
        "- Fashion-MNIST photographs split by image: " + ", ".join(f"{k} {v}" for k, v in d["fashion_mnist_images"].items())
        + " (training: first 54k of the training file; validation: its last 6k; test: the test file).",
        "",
    ]


def min_ratio(table: dict) -> str:
    """The attribute with the smallest generated/real ratio, as 'ratio (attribute)'."""
    a = min((k for k in ATTRIBUTES if table[k]["ratio"] is not None), key=lambda k: table[k]["ratio"])
    return f"{table[a]['ratio']} ({a})"


def write_report(path: str, m: dict, cfg: dict, grid_prompts: list) -> None:
    ev = m["metrics"]
    attrs = list(ATTRIBUTES) + ["all", "mean"]
    real, gen = ev["checker_accuracy_real"], ev["checker_accuracy_generated"]
    di = ev["distribution"]
    dv = di["diversity"]
    lines = [
        "# Default model bundle: quality report",
        "",
        f"Generated by `scripts/pretrain/run.py` ({cfg['mode']} mode) on {m['machine']['when']}; "
        f"machine: {m['machine']['cpu']}, torch {m['machine']['torch']} with {cfg['torch_threads']} threads, "
        f"BLAS: {m['machine']['blas']}. Master seed {cfg['seed']}. Do not edit by hand: rerun the pipeline.",
        "",
        "## Summary",
        "",
        _table(["figure", "value", "target"], [
            ["VAE reconstruction PSNR (held-out real images, 8-bit)", f"{ev['vae_psnr']['mean_db']} dB mean, "
             f"{ev['vae_psnr']['median_db']} dB median, {ev['vae_psnr']['p10_db']} dB 10th pct (n={ev['vae_psnr']['n']})", "report"],
            ["checker accuracy on real images, min over attributes", f"{min(real[a] for a in ATTRIBUTES):.4f}", "report"],
            ["checker accuracy on generated images, min over attributes",
             f"{min(gen[a] for a in ATTRIBUTES):.4f}", "report"],
            ["generated images with every attribute right", f"{gen['all']:.4f}", "report"],
            ["diversity generated / real, pixels (95% CI)", f"{dv['pixel']['ratio']} {dv['pixel']['ratio_ci95']}", ">= 0.6"],
            ["diversity generated / real, checker features (95% CI)",
             f"{dv['feature']['ratio']} {dv['feature']['ratio_ci95']}", ">= 0.6"],
            ["FCD generated vs held-out real (real-vs-real floor)",
             f"{di['fcd']['generated_vs_real']} ({di['fcd']['real_vs_real_floor']})", "report"],
            ["consistency / real accuracy, min over attributes: all captions",
             f"{min_ratio(di['consistency']['all_captions'])}", ">= 0.90"],
            ["consistency / real accuracy, min over attributes: held-out combinations",
             f"{min_ratio(di['consistency']['held_out_combinations'])}", ">= 0.90"],
            ["guidance scale (picked on validation captions)", m["guidance_scale"], ""],
            ["latent scaling factor (1 / std of training latents)", f"{m['latent']['scaling_factor']:.5f}", ""],
            ["fine-tuning UNet MACs / edge UNet MACs per step", f"{ev['finetune_flops_ratio']:.3f}", "<= 0.333"],
            ["ONNX vs PyTorch max abs diff (onnxruntime-node)", ev.get("onnx_parity_max_abs_diff", "not run"), "<= 1e-4"],
            ["bundle size", f"{m['bundle_bytes'] / 1e6:.2f} MB", "<= 30 MB"],
            ["pipeline wall time", f"{m['wall_time_s']['total']:.0f} s", "<= 5400 s"],
        ]),
        "",
    ]
    lines += _dataset_section(ev.get("dataset"))
    lines += [
        "## Caption-checker accuracy per attribute",
        "",
        f"Real: the held-out captions rendered by the dataset generator (n={ev['n_test']}). Generated: the same "
        f"held-out captions (never in the training set), {cfg['num_inference_steps']} DDIM steps, eta 0, "
        f"'leading' spacing, guidance {m['guidance_scale']}, seed 10000 + i, decoded by the VAE (n={ev['n_test']}).",
        "",
        _table(["attribute", "real", "generated"], [[a, real[a], gen[a]] for a in attrs]),
        "",
        "Guidance scale selection on validation captions (mean attribute accuracy): "
        + ", ".join(f"{k}: {v}" for k, v in ev["guidance_search"].items()) + ".",
        "",
        "## Distribution: diversity, realism (FCD), consistency",
        "",
        f"{di['n_captions']} held-out test captions ({di['n_held_out_combo_captions']} of them with an (object, colour) "
        f"combination that no training image has) x {di['k']} images each. Generated: seeds 30000 + {di['k']}i + j, "
        f"{cfg['num_inference_steps']} DDIM steps, guidance {m['guidance_scale']}. Real: {di['k']} independent renders "
        "of the same caption (photographs from the Fashion-MNIST test file), two disjoint sets A and B. Diversity is the "
        "mean over captions of the mean pairwise distance between a caption's images: RMS pixel difference in [0, 1] "
        "units, and Euclidean distance between the checker's 256-d features (the layer under its heads). FCD is the "
        "Frechet distance between Gaussian fits of checker features (FID with the checker in place of Inception): "
        "generated vs real A, and real B vs real A as the floor that finite samples alone give. Intervals: 95% "
        "bootstrap over captions.",
        "",
        _table(["diversity", "generated", "real", "generated / real", "95% CI"],
               [[sp, dv[sp]["generated"], dv[sp]["real"], dv[sp]["ratio"], dv[sp]["ratio_ci95"]] for sp in ("pixel", "feature")]),
        "",
        _table(["FCD", "value"], [["generated vs real A", di["fcd"]["generated_vs_real"]],
                                   ["real B vs real A (floor)", di["fcd"]["real_vs_real_floor"]]]),
        "",
    ]
    cmp_ = ev.get("comparison", {})
    if cmp_.get("ran"):
        o, t = cmp_["other"], cmp_["this"]
        lines += [
            f"Previous bundle (`{os.path.basename(os.path.normpath(cmp_['bundle']))}` trained "
            f"{cmp_.get('bundle_trained', '?')}: one image per caption; measured with this run's checker "
            f"and real sets; its own ONNX files under onnxruntime-node, same seeds) on the {cmp_['n_captions']} of these "
            "captions that its grammar can express (drawn shapes only), beside this bundle on the same captions:",
            "",
            _table(["figure", "this bundle", "previous bundle", "real"], [
                ["diversity, pixels", t["diversity"]["pixel"]["generated"], o["diversity"]["pixel"]["generated"],
                 t["diversity"]["pixel"]["real"]],
                ["diversity, checker features", t["diversity"]["feature"]["generated"],
                 o["diversity"]["feature"]["generated"], t["diversity"]["feature"]["real"]],
                ["FCD vs real A (floor: real B vs A)", t["fcd"]["generated_vs_real"], o["fcd"]["generated_vs_real"],
                 t["fcd"]["real_vs_real_floor"]],
                ["consistency, all attributes right", t["consistency"]["all_captions"]["all"]["generated"],
                 o["consistency"]["all_captions"]["all"]["generated"], t["consistency"]["all_captions"]["all"]["real"]],
            ]),
            "",
        ]
    elif cmp_:
        lines += [f"Previous bundle: not measured ({cmp_.get('reason', 'no reason recorded')}).", ""]
    lines += [
        "Consistency per attribute: the checker's accuracy on the generated images (the caption's attribute predicted) "
        "over its accuracy on real images of the same captions; target ratio >= 0.90 per attribute.",
        "",
    ]
    for part, title in (("all_captions", "all captions"), ("held_out_combinations", "held-out combinations only"),
                        ("seen_combinations", "seen combinations only")):
        t = di["consistency"][part]
        if not t:
            continue
        lines += [f"{title}:", "", _table(["attribute", "generated", "real", "ratio", "95% CI"],
                                          [[a, t[a]["generated"], t[a]["real"], t[a]["ratio"], t[a]["ratio_ci95"]]
                                           for a in ATTRIBUTES] + [["all", t["all"]["generated"], t["all"]["real"], "", ""]]),
                  ""]
    lines += [
        f"## Split generation (edge a={cfg['eval_split_steps']} steps, AWGN on the hand-off latent, receiver the rest)",
        "",
        f"Mean attribute accuracy of the checker on the first {ev['n_split']} held-out captions (channel noise seeded); "
        "'fine-tuning' is the noise-aware "
        "receiver UNet, 'non-fine-tuning' continues with the edge UNet.",
        "",
        _table(["SNR (dB)", "fine-tuning: mean", "fine-tuning: all", "non-fine-tuning: mean", "non-fine-tuning: all"],
               [[s, v["finetune"]["mean"], v["finetune"]["all"], v["edge"]["mean"], v["edge"]["all"]]
                for s, v in ev["split"].items()]),
        "",
        "## Samples",
        "",
        f"![samples](samples.png): rows are prompts, columns seeds 0..{cfg['grid_seeds'] - 1} "
        f"({cfg['num_inference_steps']} steps, guidance {m['guidance_scale']}). Prompts, top to bottom:",
        "",
    ]
    lines += [f"{i + 1}. {p}" for i, p in enumerate(grid_prompts)]
    lines += ["", "## Training", "", "![losses](losses.png)", ""]
    rows = []
    for s, st in m["training"].items():
        last = st["loss"][-1] if st["loss"] else ""
        rows.append([s, st["steps"][-1] + 1 if st["steps"] else 0, last, st["wall_s"], "; ".join(st["notes"])])
    lines += [_table(["stage", "steps", "final loss", "wall s", "notes"], rows), ""]
    lines += ["Wall time per stage (s): " + ", ".join(f"{k} {v:.0f}" for k, v in m["wall_time_s"].items()) + ".", ""]
    lines += ["## Components", "", _table(["file", "params", "MACs per sample", "bytes"], [
        [c["file"], c["params"], c.get("macs_per_sample", ""), c["bytes"]] for c in m["components"].values()]), ""]
    lines += DEPARTURES
    with open(path, "w") as f:
        f.write("\n".join(lines))


def _main() -> None:
    """Re-render REPORT.md from a bundle's manifest.json, train_log.json and config.json (no training)."""
    import json
    import sys

    out = sys.argv[1]
    with open(os.path.join(out, "manifest.json")) as f:
        m = json.load(f)
    with open(os.path.join(out, "train_log.json")) as f:
        training = json.load(f)["stages"]
    with open(os.path.join(out, "config.json")) as f:
        cfg = json.load(f)
    write_report(os.path.join(out, "REPORT.md"), {**m, "training": training}, cfg, m.get("samples", {}).get("prompts", []))


if __name__ == "__main__":
    _main()
