"""Distribution measurements: per-caption diversity, Frechet distance in checker-feature space (FCD)
and per-attribute consistency ratios, with bootstrap intervals over captions.

Images come in caption-major groups of k (images [n_captions * k, ...]): the k images of one caption
are k seeds (generated) or k independent renders (real).
"""

import numpy as np
import torch

from shapes import ATTRIBUTES


def _pairwise_mean(x: torch.Tensor) -> float:
    """Mean Euclidean distance over the k(k-1)/2 distinct pairs of rows of x [k, d]."""
    d = torch.cdist(x[None].double(), x[None].double())[0]
    k = x.shape[0]
    return float(d.sum() / (k * (k - 1)))


def per_caption_diversity(images: torch.Tensor, feats: torch.Tensor, k: int) -> dict:
    """Per caption: mean pairwise RMS pixel distance ([0, 1] intensity units) and mean pairwise
    Euclidean distance of checker features. Returns arrays of length n_captions."""
    n = images.shape[0] // k
    px = ((images.clamp(-1, 1) + 1) / 2).reshape(n, k, -1)
    d = px.shape[2]
    pix = np.array([_pairwise_mean(px[i]) / np.sqrt(d) for i in range(n)])
    fe = feats.reshape(n, k, -1)
    feat = np.array([_pairwise_mean(fe[i]) for i in range(n)])
    return {"pixel": pix, "feature": feat}


def frechet(f1: torch.Tensor, f2: torch.Tensor) -> float:
    """||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2), as FID but on checker features.
    The matrix square roots use symmetric eigendecompositions (no scipy needed)."""
    a, b = f1.double().numpy(), f2.double().numpy()
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(s1)
    r1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = r1 @ s2 @ r1
    tr_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt)


def bootstrap_ratio(num: np.ndarray, den: np.ndarray, seed: int, n_boot: int = 2000) -> list:
    """95% percentile interval of mean(num) / mean(den), resampling captions (paired)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, num.shape[0], (n_boot, num.shape[0]))
    with np.errstate(divide="ignore", invalid="ignore"):  # a resample may hold no real hit (tiny quick runs)
        r = num[idx].mean(1) / den[idx].mean(1)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return None
    return [round(float(np.percentile(r, 2.5)), 4), round(float(np.percentile(r, 97.5)), 4)]


def attribute_hits(checker, images: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """[N, n_attributes] 0/1 array: the checker's prediction equals the caption's attribute."""
    return (checker.predict(images) == labels).numpy().astype(np.float64)


def consistency_table(hits_gen: np.ndarray, hits_real: np.ndarray, k: int, seed: int) -> dict:
    """Per attribute: accuracy on generated and on real images, their ratio with a bootstrap 95%
    interval over captions (hits averaged over each caption's k images first)."""
    n = hits_gen.shape[0] // k
    if n == 0:
        return {}
    g = hits_gen.reshape(n, k, -1).mean(1)
    r = hits_real.reshape(n, k, -1).mean(1)
    out = {}
    for j, a in enumerate(ATTRIBUTES):
        rg, rr = g[:, j].mean(), r[:, j].mean()
        out[a] = {"generated": round(float(rg), 4), "real": round(float(rr), 4),
                  "ratio": round(float(rg / rr), 4) if rr > 0 else None,
                  "ratio_ci95": bootstrap_ratio(g[:, j], r[:, j], seed + j) if rr > 0 else None}
    out["all"] = {"generated": round(float((hits_gen.min(1)).mean()), 4),
                  "real": round(float((hits_real.min(1)).mean()), 4)}
    return out


def measure(checker, gen: torch.Tensor, real_a: torch.Tensor, real_b: torch.Tensor, labels: torch.Tensor,
            held: np.ndarray, k: int, seed: int) -> dict:
    """All distribution figures for n captions x k images: gen (k seeds each), real_a and real_b (two
    disjoint sets of k independent renders each), labels [n * k, n_attributes], held [n] bool."""
    fg, fa, fb = checker.features(gen), checker.features(real_a), checker.features(real_b)
    dg, da = per_caption_diversity(gen, fg, k), per_caption_diversity(real_a, fa, k)
    div = {}
    for space in ("pixel", "feature"):
        div[space] = {"generated": round(float(dg[space].mean()), 4), "real": round(float(da[space].mean()), 4),
                      "ratio": round(float(dg[space].mean() / da[space].mean()), 4),
                      "ratio_ci95": bootstrap_ratio(dg[space], da[space], seed)}
    hg, ha = attribute_hits(checker, gen, labels), attribute_hits(checker, real_a, labels)
    rows = np.repeat(held, k)
    return {
        "n_captions": int(gen.shape[0] // k), "k": k, "n_held_out_combo_captions": int(held.sum()),
        "diversity": div,
        "fcd": {"generated_vs_real": round(frechet(fg, fa), 3), "real_vs_real_floor": round(frechet(fb, fa), 3)},
        "consistency": {"all_captions": consistency_table(hg, ha, k, seed),
                        "held_out_combinations": consistency_table(hg[rows], ha[rows], k, seed),
                        "seen_combinations": consistency_table(hg[~rows], ha[~rows], k, seed)},
    }
