"""The "shapes" captioned image dataset: grammar, seeded sampling, captions and rendering.

A scene has one object anywhere of five positions, or two objects as a left/right or
top/bottom pair, on a plain background. Captions follow one fixed grammar, exported as JSON into
the bundle (grammar.json) so that TypeScript can build prompts and parse them back into the
attributes the caption checker predicts.
"""

import math

import numpy as np
from PIL import Image, ImageDraw

SHAPES = ["circle", "square", "triangle", "cross", "ring", "star"]
COLOURS = {
    "red": (220, 40, 40),
    "green": (40, 170, 60),
    "blue": (40, 80, 225),
    "yellow": (240, 220, 40),
    "purple": (150, 60, 200),
    "orange": (250, 140, 30),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
}
SIZES = {"small": 10, "large": 15}  # radius in pixels at 64x64
POSITIONS = {  # centre (x, y) at 64x64, and the phrase used in captions
    "left": ((16, 32), "on the left"),
    "right": ((48, 32), "on the right"),
    "top": ((32, 16), "at the top"),
    "bottom": ((32, 48), "at the bottom"),
    "centre": ((32, 32), "in the centre"),
}
PAIRS = [("left", "right"), ("top", "bottom")]  # two-object layouts; the first is object 1
NONE = "none"

# Checker heads: attribute name -> class labels (index = class id).
ATTRIBUTES = {
    "count": ["one", "two"],
    "shape1": SHAPES,
    "colour1": list(COLOURS),
    "size1": list(SIZES),
    "position1": list(POSITIONS),
    "shape2": SHAPES + [NONE],
    "colour2": list(COLOURS) + [NONE],
    "size2": list(SIZES) + [NONE],
    "position2": list(POSITIONS) + [NONE],
    "background": list(COLOURS),
}


def grammar() -> dict:
    """The caption grammar and vocabulary, as exported to grammar.json."""
    return {
        "template_one": "a {size1} {colour1} {shape1} {position1} on a {background} background",
        "template_two": "a {size1} {colour1} {shape1} {position1} and a {size2} {colour2} {shape2} "
        "{position2} on a {background} background",
        "shapes": SHAPES,
        "colours": {k: list(v) for k, v in COLOURS.items()},
        "sizes": SIZES,
        "positions": {k: {"centre": list(v[0]), "phrase": v[1]} for k, v in POSITIONS.items()},
        "two_object_pairs": [list(p) for p in PAIRS],
        "rules": [
            "object colours differ from the background colour",
            "two objects are a left/right or top/bottom pair; object 1 is the left/top one",
        ],
        "attributes": ATTRIBUTES,
        "none_label": NONE,
    }


def sample_scene(rng: np.random.Generator, two_object_prob: float) -> dict:
    """One scene as attributes (the checker's labels). Deterministic given the generator state."""
    two = rng.random() < two_object_prob
    bg = str(rng.choice(list(COLOURS)))
    allowed = [c for c in COLOURS if c != bg]
    positions = list(PAIRS[int(rng.integers(len(PAIRS)))]) if two else [str(rng.choice(list(POSITIONS)))]
    scene = {"count": "two" if two else "one", "background": bg}
    for i in (1, 2):
        if i <= len(positions):
            scene[f"shape{i}"] = str(rng.choice(SHAPES))
            scene[f"colour{i}"] = str(rng.choice(allowed))
            scene[f"size{i}"] = str(rng.choice(list(SIZES)))
            scene[f"position{i}"] = positions[i - 1]
        else:
            for a in ("shape", "colour", "size", "position"):
                scene[f"{a}{i}"] = NONE
    return scene


def caption(scene: dict) -> str:
    def obj(i: int) -> str:
        phrase = POSITIONS[scene[f"position{i}"]][1]
        return f"a {scene[f'size{i}']} {scene[f'colour{i}']} {scene[f'shape{i}']} {phrase}"

    objs = obj(1) if scene["count"] == "one" else f"{obj(1)} and {obj(2)}"
    return f"{objs} on a {scene['background']} background"


def labels(scene: dict) -> list:
    """Class ids per checker head, in ATTRIBUTES order."""
    return [ATTRIBUTES[a].index(scene[a]) for a in ATTRIBUTES]


def _star(cx: float, cy: float, r: float) -> list:
    pts = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.45
        ang = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + rad * math.cos(ang), cy + rad * math.sin(ang)))
    return pts


def _draw(d: ImageDraw.ImageDraw, shape: str, cx: float, cy: float, r: float, fill, bg) -> None:
    if shape == "circle":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        h = r * 0.85
        d.rectangle([cx - h, cy - h, cx + h, cy + h], fill=fill)
    elif shape == "triangle":
        d.polygon([(cx, cy - r), (cx + r * 0.95, cy + r * 0.75), (cx - r * 0.95, cy + r * 0.75)], fill=fill)
    elif shape == "cross":
        w = r * 0.33
        d.rectangle([cx - r, cy - w, cx + r, cy + w], fill=fill)
        d.rectangle([cx - w, cy - r, cx + w, cy + r], fill=fill)
    elif shape == "ring":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        ri = r * 0.55
        d.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill=bg)
    elif shape == "star":
        d.polygon(_star(cx, cy, r * 1.1), fill=fill)
    else:
        raise ValueError(f"unknown shape {shape!r}")


def render(scene: dict, size: int = 64, supersample: int = 2) -> np.ndarray:
    """The scene as a uint8 [size, size, 3] array (drawn at `supersample`x, then box-filtered)."""
    s = size * supersample
    k = s / 64.0
    bg = COLOURS[scene["background"]]
    img = Image.new("RGB", (s, s), bg)
    d = ImageDraw.Draw(img)
    n = 1 if scene["count"] == "one" else 2
    for i in range(1, n + 1):
        (cx, cy), _ = POSITIONS[scene[f"position{i}"]]
        r = SIZES[scene[f"size{i}"]]
        _draw(d, scene[f"shape{i}"], cx * k, cy * k, r * k, COLOURS[scene[f"colour{i}"]], bg)
    if supersample > 1:
        img = img.resize((size, size), Image.BOX)
    return np.asarray(img, dtype=np.uint8)


def make_captions(seed: int, n: int, two_object_prob: float, exclude: set) -> list:
    """`n` distinct scenes whose captions are not in `exclude` (held-out sets)."""
    rng = np.random.default_rng(seed)
    out, seen = [], set(exclude)
    while len(out) < n:
        sc = sample_scene(rng, two_object_prob)
        c = caption(sc)
        if c in seen:
            continue
        seen.add(c)
        out.append(sc)
    return out


def make_dataset(seed: int, n: int, two_object_prob: float, exclude: set, size: int, supersample: int):
    """Training images (uint8 [n, H, W, 3]), captions and label ids; captions in `exclude` are skipped."""
    rng = np.random.default_rng(seed)
    images = np.empty((n, size, size, 3), dtype=np.uint8)
    caps, labs = [], []
    i = 0
    while i < n:
        sc = sample_scene(rng, two_object_prob)
        c = caption(sc)
        if c in exclude:
            continue
        images[i] = render(sc, size, supersample)
        caps.append(c)
        labs.append(labels(sc))
        i += 1
    return images, caps, np.asarray(labs, dtype=np.int64)
