"""Stage-I pre-training pipeline: dataset -> VAE -> checker -> edge UNet + text encoder -> fine-tuning UNet
-> evaluation -> ONNX bundle (diffusers layout) + fixtures + REPORT.md.

    /usr/bin/python3 scripts/pretrain/run.py            # full run into packages/models/default
    /usr/bin/python3 scripts/pretrain/run.py --quick    # every stage on a tiny budget, into a temp dir
    npm run pretrain -- --quick

Every hyperparameter is in config.py; every random draw comes from a generator seeded from cfg['seed'].
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")  # before numpy/torch load BLAS
os.environ.setdefault("OMP_NUM_THREADS", "2")
# Idle OpenMP workers sleep instead of spinning: on a shared CPU, spinning made steps 10x slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import config  # noqa: E402
import compare  # noqa: E402
import distribution  # noqa: E402
import evaluate as ev  # noqa: E402
import fashion  # noqa: E402
import shapes  # noqa: E402
import train  # noqa: E402
from common import LossLog, progress, seed_everything, to_pixels, write_json  # noqa: E402
from ddim import DDIM  # noqa: E402
from export import export_all  # noqa: E402
from fixtures import write_fixtures  # noqa: E402
from flops import count_macs  # noqa: E402
from report import loss_plot, sample_grid, write_report  # noqa: E402
from tokenizer import Tokenizer, vocab_from_grammar  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "packages", "models", "default")
NODE_CHECK = os.path.join(REPO, "packages", "models", "scripts", "check-onnx.js")
BUNDLE_ENTRIES = ["text_encoder", "unet", "unet_finetune", "vae_encoder", "vae_decoder", "checker", "tokenizer",
                  "fixtures", "parity", "scheduler", "scheduler_config.json", "manifest.json", "grammar.json",
                  "config.json", "train_log.json", "REPORT.md", "samples.png", "losses.png"]


def machine() -> dict:
    cpu = platform.processor() or "cpu"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return {"cpu": f"{cpu} ({os.cpu_count()} cores)", "torch": torch.__version__, "blas": blas,
            "python": platform.python_version(), "when": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def clean_bundle(out: str) -> None:
    """Remove the previous bundle's generated entries (only those), so no stale file survives."""
    for e in BUNDLE_ENTRIES:
        p = os.path.join(out, e)
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)


def dir_bytes(path: str) -> int:
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def node_parity(out: str) -> dict:
    """Run each ONNX file under onnxruntime-node on the parity inputs (packages/models/scripts/check-onnx.js)."""
    node = shutil.which("node")
    if node is None or not os.path.exists(NODE_CHECK):
        return {"ran": False, "reason": "node or check-onnx.js not found"}
    res = subprocess.run([node, NODE_CHECK, out, "--json"], capture_output=True, text=True, cwd=REPO)
    try:
        data = json.loads(res.stdout)
    except json.JSONDecodeError:
        return {"ran": False, "reason": f"check-onnx.js failed (rc {res.returncode}): {res.stderr[-800:]}"}
    data["ran"] = True
    return data


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny budget into a temp dir (smoke test, <= 3 min)")
    ap.add_argument("--compare-bundle", metavar="DIR",
                    help="another bundle (e.g. a copy of the previous default) measured with this run's checker and "
                         "real sets, on the captions its grammar can express; reported beside this run's figures")
    ap.add_argument("--keep-state", metavar="DIR",
                    help="also save the checker weights and the distribution evaluation's images there (not in the bundle)")
    ap.add_argument("--out", help="bundle directory (default: packages/models/default, or a temp dir with --quick)")
    args = ap.parse_args(argv)

    cfg = config.resolve(args.quick)
    out = os.path.abspath(args.out) if args.out else (
        tempfile.mkdtemp(prefix="semaigc-pretrain-quick-") if args.quick else DEFAULT_OUT)
    os.makedirs(out, exist_ok=True)
    clean_bundle(out)
    torch.set_num_threads(cfg["torch_threads"])
    t_start = time.time()
    walls = {}
    log = LossLog()
    seed = cfg["seed"]
    progress("start", f"{cfg['mode']} run into {out}")

    # ---- 1. dataset ------------------------------------------------------------------------
    t0 = time.time()
    g = shapes.grammar()
    vocab = vocab_from_grammar(g)
    tok = Tokenizer(vocab, cfg["max_length"])
    pools = fashion.load_pools()  # Fashion-MNIST photographs, split by image: train / val / test
    two = cfg["two_object_prob"]
    test_scenes = shapes.make_captions(seed + 1, cfg["n_test_captions"], two, set(), cfg["test_held_out_share"])
    test_caps = [shapes.caption(s) for s in test_scenes]
    test_held = np.array([shapes.has_held_out_combo(s) for s in test_scenes])
    val_scenes = shapes.make_captions(seed + 2, cfg["n_val_captions"], two, set(test_caps))
    val_caps = [shapes.caption(s) for s in val_scenes]
    held_out = set(test_caps) | set(val_caps)
    images, caps, labels = shapes.make_dataset(seed + 3, cfg["n_train_images"], two, held_out, cfg["image_size"],
                                               cfg["render_supersample"], pools["train"])
    pixels = to_pixels(images)
    labels = torch.from_numpy(labels)
    ids = torch.tensor([tok.encode(c) for c in caps], dtype=torch.int64)
    uncond_ids = torch.tensor(tok.encode(""), dtype=torch.int64)

    def render_test(scenes, rseed, per_scene):
        return shapes.render_set(scenes, rseed, pools["test"], per_scene, cfg["image_size"], cfg["render_supersample"])

    test_pixels = ev.real_images(test_scenes, render_test, seed + 4)
    test_labels = torch.tensor([shapes.labels(s) for s in test_scenes])
    val_labels = torch.tensor([shapes.labels(s) for s in val_scenes])
    n_items = sum(1 for c in caps if any(f" {it} " in c for it in fashion.ITEMS))
    walls["data"] = time.time() - t0
    progress("data", f"{len(caps)} images ({n_items} with a Fashion-MNIST item), {len(set(caps))} distinct captions, "
             f"{len(test_caps)} test ({int(test_held.sum())} with a held-out combination) + {len(val_caps)} validation "
             f"captions held out, vocab {len(vocab)} ({walls['data']:.0f}s)")

    # ---- 2. VAE ------------------------------------------------------------------------------
    log.start("vae")
    gen = seed_everything(seed + 10)
    vae, _ = train.train_vae(cfg, pixels, log, gen)
    walls["vae"] = log.end("vae")
    vae_psnr = ev.vae_psnr(vae, test_pixels)
    progress("vae", f"PSNR {vae_psnr['mean_db']} dB on held-out images ({walls['vae']:.0f}s)")

    # ---- 3. latents + scaling factor --------------------------------------------------------
    t0 = time.time()
    raw = train.encode_all(vae, pixels)
    scaling = float(1.0 / raw.std())
    latents = raw * scaling
    walls["latents"] = time.time() - t0
    progress("latents", f"{tuple(raw.shape)} cached, std {raw.std():.4f} -> scaling factor {scaling:.5f}")

    # ---- 4. caption checker -----------------------------------------------------------------
    log.start("checker")
    gen = seed_everything(seed + 20)
    # The checker is the judge, not the generator: its own renders cover every (object, colour)
    # combination, held-out ones included, but never a test or validation caption; each image comes
    # with its VAE reconstruction (generated images are decoded by that VAE).
    ck_imgs, _, ck_labels = shapes.make_dataset(seed + 7, cfg["checker_images"], two, held_out, cfg["image_size"],
                                                cfg["render_supersample"], pools["train"], allow_held_out=True)
    ck_pixels = to_pixels(ck_imgs)
    recon = train.decode_all(vae, train.encode_all(vae, ck_pixels))
    head_sizes = [len(v) for v in shapes.ATTRIBUTES.values()]
    checker, _ = train.train_checker(cfg, ck_pixels, recon, torch.from_numpy(ck_labels), head_sizes, log, gen)
    walls["checker"] = log.end("checker")
    acc_real = ev.accuracy(checker, test_pixels, test_labels)
    worst = min(shapes.ATTRIBUTES, key=lambda a: acc_real[a])
    progress("checker", f"real-image accuracy min {acc_real[worst]:.4f} ({worst}), mean {acc_real['mean']:.4f} "
             f"({walls['checker']:.0f}s)")
    del recon, ck_pixels, ck_imgs

    # ---- 5. edge UNet + text encoder --------------------------------------------------------
    sched = DDIM(cfg["beta_start"], cfg["beta_end"], cfg["num_train_timesteps"])
    log.start("unet")
    gen = seed_everything(seed + 30)
    te, unet, _ = train.train_unet(cfg, latents, ids, uncond_ids, sched.alphas_cumprod, len(vocab), log, gen)
    walls["unet"] = log.end("unet")

    # ---- 6. receiver fine-tuning UNet -------------------------------------------------------
    log.start("finetune")
    gen = seed_everything(seed + 40)
    ft, _ = train.train_finetune(cfg, latents, ids, uncond_ids, sched.alphas_cumprod, te, log, gen)
    walls["finetune"] = log.end("finetune")

    # ---- 7. evaluation ------------------------------------------------------------------------
    t0 = time.time()
    steps = cfg["num_inference_steps"]
    search = {}
    for gs in cfg["guidance_candidates"]:
        imgs, _ = ev.generate_images(te, unet, vae, sched, tok, val_caps, [20000 + i for i in range(len(val_caps))],
                                     gs, scaling, steps)
        search[str(gs)] = ev.accuracy(checker, imgs, val_labels)["mean"]
    scale = float(max(cfg["guidance_candidates"], key=lambda s: search[str(s)]))
    seeds = [10000 + i for i in range(len(test_caps))]
    gen_imgs, _ = ev.generate_images(te, unet, vae, sched, tok, test_caps, seeds, scale, scaling, steps)
    acc_gen = ev.accuracy(checker, gen_imgs, test_labels)
    # distribution: n_dist test captions x k seeds, against two disjoint sets of k real renders each
    nd, k = min(cfg["n_dist_captions"], len(test_caps)), cfg["dist_seeds"]
    d_caps = [c for c in test_caps[:nd] for _ in range(k)]
    d_seeds = [30000 + k * i + j for i in range(nd) for j in range(k)]
    d_gen, _ = ev.generate_images(te, unet, vae, sched, tok, d_caps, d_seeds, scale, scaling, steps)
    d_real_a = ev.real_images(test_scenes[:nd], render_test, seed + 5, k)
    d_real_b = ev.real_images(test_scenes[:nd], render_test, seed + 6, k)
    d_labels = test_labels[:nd].repeat_interleave(k, 0)
    dist = distribution.measure(checker, d_gen, d_real_a, d_real_b, d_labels, test_held[:nd], k, seed)
    if args.keep_state:  # for measurements outside the bundle (another bundle's images with this checker)
        os.makedirs(args.keep_state, exist_ok=True)
        torch.save({"checker": checker.state_dict(), "head_sizes": head_sizes, "checker_channels": cfg["checker_channels"],
                    "captions": test_caps[:nd], "held": test_held[:nd], "k": k, "seeds": d_seeds, "labels": d_labels,
                    "generated": d_gen, "real_a": d_real_a, "real_b": d_real_b},
                   os.path.join(args.keep_state, "distribution_state.pt"))
    comparison = {"ran": False, "reason": "no --compare-bundle given"}
    if args.compare_bundle:
        comparison = compare.compare(args.compare_bundle, checker, test_scenes[:nd], test_caps[:nd], test_held[:nd], k,
                                     d_seeds, d_gen, d_real_a, d_real_b, d_labels, seed)
        if comparison["ran"]:
            o = comparison["other"]
            progress("evaluate", f"{args.compare_bundle} on {comparison['n_captions']} captions: diversity ratio pixels "
                     f"{o['diversity']['pixel']['ratio']}, FCD {o['fcd']['generated_vs_real']} (this run "
                     f"{comparison['this']['fcd']['generated_vs_real']}, floor {o['fcd']['real_vs_real_floor']})")
    progress("evaluate", f"diversity generated/real: pixels {dist['diversity']['pixel']['ratio']}, features "
             f"{dist['diversity']['feature']['ratio']}; FCD {dist['fcd']['generated_vs_real']} "
             f"(real-vs-real floor {dist['fcd']['real_vs_real_floor']})")
    split = {}
    ns = cfg["n_split_captions"]
    for snr in cfg["eval_split_snr_db"]:
        split[str(snr)] = {
            kind: ev.accuracy(checker, ev.split_images(te, unet, ft, vae, sched, tok, test_caps[:ns], seeds[:ns], scale,
                                                       scaling, steps, cfg["eval_split_steps"], snr, kind == "finetune"),
                              test_labels[:ns])
            for kind in ("finetune", "edge")
        }
    z1 = torch.zeros(1, 4, cfg["image_size"] // 8, cfg["image_size"] // 8)
    ctx1 = torch.zeros(1, cfg["max_length"], cfg["text_dim"])
    t1 = torch.tensor([500.0])
    macs_unet = count_macs(unet, z1, t1, ctx1)
    macs_ft = count_macs(ft, z1, t1, ctx1, torch.tensor([0.1]))
    walls["evaluate"] = time.time() - t0
    progress("evaluate", f"guidance {scale} (search {search}); generated accuracy min "
             f"{min(acc_gen[a] for a in shapes.ATTRIBUTES):.4f}, all-correct {acc_gen['all']:.4f} ({walls['evaluate']:.0f}s)")

    # ---- 8. export ----------------------------------------------------------------------------
    t0 = time.time()
    comps = export_all(cfg, out, te, unet, ft, vae, checker, len(vocab))
    comps["unet"]["macs_per_sample"] = macs_unet
    comps["unet_finetune"]["macs_per_sample"] = macs_ft
    write_json(os.path.join(out, "tokenizer", "vocab.json"), vocab)
    write_json(os.path.join(out, "tokenizer", "tokenizer_config.json"), tok.config())
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), sched.config())
    write_json(os.path.join(out, "grammar.json"), g)
    write_json(os.path.join(out, "config.json"), cfg)
    n_grid = cfg["grid_prompts"]
    grid_prompts = test_caps[:n_grid]
    gp = [p for p in grid_prompts for _ in range(cfg["grid_seeds"])]
    gs_ = [s for _ in grid_prompts for s in range(cfg["grid_seeds"])]
    grid_imgs, _ = ev.generate_images(te, unet, vae, sched, tok, gp, gs_, scale, scaling, steps)
    sample_grid(grid_imgs, n_grid, cfg["grid_seeds"], os.path.join(out, "samples.png"))
    fx = write_fixtures(cfg, out, te, unet, ft, vae, sched, tok, test_caps, scale, scaling)
    walls["export"] = time.time() - t0
    progress("export", f"{len(comps)} ONNX files, {len(fx['cases'])} fixture cases ({walls['export']:.0f}s)")

    # ---- 9. ONNX Runtime (Node) parity --------------------------------------------------------
    t0 = time.time()
    parity = node_parity(out)
    walls["onnx_parity"] = time.time() - t0
    if parity.get("ran"):
        for name, r in parity["components"].items():
            comps[name]["onnxruntime_node_max_abs_diff"] = r["maxAbsDiff"]
        progress("parity", f"max abs diff {parity['maxAbsDiff']:.2e} (tolerance {parity['tolerance']}) "
                 f"{'ok' if parity['ok'] else 'FAILED'}")
    else:
        progress("parity", f"not run: {parity['reason']}")

    # ---- 10. manifest + report ----------------------------------------------------------------
    walls["total"] = time.time() - t_start
    loss_plot(log.to_json(), os.path.join(out, "losses.png"))
    write_json(os.path.join(out, "train_log.json"), {"stages": log.to_json(), "wall_time_s": walls})
    metrics = {
        "vae_psnr": vae_psnr,
        "checker_accuracy_real": acc_real,
        "checker_accuracy_generated": acc_gen,
        "guidance_search": search,
        "distribution": dist,
        "comparison": comparison,
        "split": split,
        "dataset": {
            "n_train_images": len(caps), "n_train_with_item": n_items, "n_train_distinct_captions": len(set(caps)),
            "n_test_captions": len(test_caps), "n_test_with_held_out_combination": int(test_held.sum()),
            "n_validation_captions": len(val_caps),
            "held_out_combinations": [f"{c} {o}" for o, c in shapes.HELD_OUT_COMBOS.items()],
            "fashion_mnist_images": {k: sum(p.sizes) for k, p in pools.items()},
        },
        "n_test": len(test_caps),
        "n_validation": len(val_caps),
        "n_split": min(cfg["n_split_captions"], len(test_caps)),
        "finetune_flops_ratio": macs_ft / macs_unet,
    }
    if parity.get("ran"):
        metrics["onnx_parity_max_abs_diff"] = parity["maxAbsDiff"]
    manifest = {
        "format": "semaigc-bundle/1",
        "layout": "diffusers-onnx",
        "name": "semaigc-default-shapes",  # kept: the family name, now shapes + Fashion-MNIST items
        "mode": cfg["mode"],
        "components": comps,
        "tokenizer": {"type": "word-level", "vocab": "tokenizer/vocab.json", "config": "tokenizer/tokenizer_config.json",
                      "max_length": cfg["max_length"], "input_ids_dtype": "int32"},
        "scheduler": "scheduler/scheduler_config.json",
        "latent": {"channels": cfg["latent_channels"], "height": cfg["image_size"] // 8, "width": cfg["image_size"] // 8,
                   "scaling_factor": scaling,
                   "note": "UNets work on scaled latents; vae_decoder takes latents / scaling_factor (SD convention)"},
        "image": {"height": cfg["image_size"], "width": cfg["image_size"], "channels": 3, "range": [-1.0, 1.0],
                  "to_uint8": "round((clamp(x, -1, 1) + 1) * 127.5)"},
        "text": {"hidden_size": cfg["text_dim"], "uncond_prompt": ""},
        "guidance_scale": scale,
        "num_inference_steps": steps,
        "finetune": {
            "noise_level": "sigma^2 of the semantic noise in scaled-latent units; sigma^2 = P / 10^(SNR/10), P = mean(z^2)",
            "per_step_noise_level": "sigma2_k = sigma2 * (1 - abar[t_k]) / (1 - abar[t_a]) for receiver step k at timestep t_k",
            "prediction": "total noise eps + n / sqrt(1 - abar_t); use with the unchanged DDIM step",
            "snr_db_range": cfg["ft_snr_db"],
        },
        "checker": {"input": "image in [-1, 1]", "attributes": shapes.ATTRIBUTES,
                    "outputs": [f"{a}_logits" for a in shapes.ATTRIBUTES]},
        "grammar": "grammar.json",
        "fixtures": "fixtures/index.json",
        "parity": "parity/index.json",
        "seeds": {"master": seed, "test_captions": seed + 1, "validation_captions": seed + 2, "dataset": seed + 3,
                  "vae": seed + 10, "checker": seed + 20, "checker_images": seed + 7, "unet": seed + 30, "finetune": seed + 40,
                  "test_real_renders": seed + 4, "distribution_real_a": seed + 5, "distribution_real_b": seed + 6,
                  "generated_eval": "10000 + i", "guidance_search": "20000 + i",
                  "distribution_generated": "30000 + k * i + j (caption i, seed j of k)"},
        "metrics": metrics,
        "samples": {"file": "samples.png", "prompts": grid_prompts, "seeds": list(range(cfg["grid_seeds"]))},
        "onnx_parity": parity,
        "wall_time_s": {k: round(v, 1) for k, v in walls.items()},
        "machine": machine(),
        "config": "config.json",
    }
    write_json(os.path.join(out, "manifest.json"), manifest)
    write_report(os.path.join(out, "REPORT.md"), {**manifest, "training": log.to_json(), "bundle_bytes": dir_bytes(out)},
                 cfg, grid_prompts)
    manifest["bundle_bytes"] = dir_bytes(out)
    write_json(os.path.join(out, "manifest.json"), manifest)
    progress("done", f"bundle {manifest['bundle_bytes'] / 1e6:.2f} MB in {out}; total {walls['total']:.0f}s")
    ok = parity.get("ok", True) if parity.get("ran") else True
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
