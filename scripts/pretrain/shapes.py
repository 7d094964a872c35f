"""The captioned image dataset: grammar, seeded scene sampling, captions and rendering.

A scene has one object in one of five regions, or two objects as a left/right or top/bottom pair,
on a background. An object is a drawn shape (circle, square, ...) or a Fashion-MNIST photograph
(sneaker, dress, ...; fashion.py), tinted with the caption's colour. A caption names attributes
only; every render draws the rest at random, so each caption has a distribution of images:
position jittered inside its region, size within its class, rotation, colour shade, background
shade, gradient and texture, optional small clutter, and (items) which photograph of the class.

Some (object, colour) combinations are held out: no training image contains them, and the test
set asks for them (compositional generalisation).

Captions follow one fixed grammar, exported as JSON into the bundle (grammar.json) so that
TypeScript can build prompts and parse them back into the attributes the caption checker
predicts. Items share the shape slot of the grammar ("a large red sneaker on the left ..."), so
the checker's shape heads name the item class.
"""

import math

import numpy as np
from PIL import Image, ImageDraw

from fashion import ITEMS

SHAPES = ["circle", "square", "triangle", "cross", "ring", "star"]
OBJECTS = SHAPES + ITEMS  # the grammar's "shapes": drawn shapes, then Fashion-MNIST items
FASHION_PROB = 0.5  # share of objects that are items (then uniform over the 10 classes)
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
COLOUR_NAMES = list(COLOURS)
SIZES = {"small": [8.0, 11.0], "large": [13.0, 17.0]}  # object radius range in pixels at 64x64
POSITION_JITTER = 5.0  # max offset (pixels at 64x64, each axis) from the region's centre
POSITIONS = {  # region centre (x, y) at 64x64, and the phrase used in captions
    "left": ((16, 32), "on the left"),
    "right": ((48, 32), "on the right"),
    "top": ((32, 16), "at the top"),
    "bottom": ((32, 48), "at the bottom"),
    "centre": ((32, 32), "in the centre"),
}
PAIRS = [("left", "right"), ("top", "bottom")]  # two-object layouts; the first is object 1
NONE = "none"
ITEM_MAX_ROTATION = 20.0  # degrees; shapes rotate freely, photographs only a little (stay recognisable)
CLUTTER_PROB = 0.35  # share of images with 1-4 small specks that the caption does not name

# One colour per object never appears with that object in training: 16 of 128 combinations.
HELD_OUT_COMBOS = {obj: COLOUR_NAMES[(3 * i + 1) % len(COLOUR_NAMES)] for i, obj in enumerate(OBJECTS)}

# Checker heads: attribute name -> class labels (index = class id).
ATTRIBUTES = {
    "count": ["one", "two"],
    "shape1": OBJECTS,
    "colour1": COLOUR_NAMES,
    "size1": list(SIZES),
    "position1": list(POSITIONS),
    "shape2": OBJECTS + [NONE],
    "colour2": COLOUR_NAMES + [NONE],
    "size2": list(SIZES) + [NONE],
    "position2": list(POSITIONS) + [NONE],
    "background": COLOUR_NAMES,
}


def grammar() -> dict:
    """The caption grammar and vocabulary, as exported to grammar.json."""
    return {
        "template_one": "a {size1} {colour1} {shape1} {position1} on a {background} background",
        "template_two": "a {size1} {colour1} {shape1} {position1} and a {size2} {colour2} {shape2} "
        "{position2} on a {background} background",
        "shapes": OBJECTS,
        "families": {"shapes": SHAPES, "fashion_mnist": ITEMS},
        "colours": {k: list(v) for k, v in COLOURS.items()},
        "sizes": SIZES,
        "positions": {k: {"centre": list(v[0]), "phrase": v[1], "jitter": POSITION_JITTER} for k, v in POSITIONS.items()},
        "two_object_pairs": [list(p) for p in PAIRS],
        "held_out_combinations": [{"shape": k, "colour": v} for k, v in HELD_OUT_COMBOS.items()],
        "rules": [
            "object colours differ from the background colour",
            "two objects are a left/right or top/bottom pair; object 1 is the left/top one",
            "held_out_combinations (object, colour) never occur in training images",
            "a caption fixes attributes only: position jitter, size within its range, rotation, shades, "
            "background gradient/texture, clutter and the item photograph are drawn per image",
        ],
        "attributes": ATTRIBUTES,
        "none_label": NONE,
    }


def _pick_object(rng: np.random.Generator) -> str:
    if rng.random() < FASHION_PROB:
        return ITEMS[int(rng.integers(len(ITEMS)))]
    return SHAPES[int(rng.integers(len(SHAPES)))]


def is_held_out(obj: str, colour: str) -> bool:
    return HELD_OUT_COMBOS.get(obj) == colour


def has_held_out_combo(scene: dict) -> bool:
    n = 1 if scene["count"] == "one" else 2
    return any(is_held_out(scene[f"shape{i}"], scene[f"colour{i}"]) for i in range(1, n + 1))


def sample_scene(rng: np.random.Generator, two_object_prob: float) -> dict:
    """One scene as attributes (the checker's labels). Deterministic given the generator state."""
    two = rng.random() < two_object_prob
    bg = COLOUR_NAMES[int(rng.integers(len(COLOUR_NAMES)))]
    allowed = [c for c in COLOUR_NAMES if c != bg]
    positions = list(PAIRS[int(rng.integers(len(PAIRS)))]) if two else [list(POSITIONS)[int(rng.integers(5))]]
    scene = {"count": "two" if two else "one", "background": bg}
    for i in (1, 2):
        if i <= len(positions):
            scene[f"shape{i}"] = _pick_object(rng)
            scene[f"colour{i}"] = allowed[int(rng.integers(len(allowed)))]
            scene[f"size{i}"] = list(SIZES)[int(rng.integers(len(SIZES)))]
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


# ---- rendering ----------------------------------------------------------------------------

def _polygon(shape: str) -> list:
    """Unit-radius outline of a polygonal shape, centred on 0 (rotated and scaled by the caller)."""
    if shape == "square":
        h = 0.85
        return [(-h, -h), (h, -h), (h, h), (-h, h)]
    if shape == "triangle":
        return [(0.0, -1.0), (0.95, 0.75), (-0.95, 0.75)]
    if shape == "cross":
        w = 0.33
        return [(-w, -1), (w, -1), (w, -w), (1, -w), (1, w), (w, w), (w, 1), (-w, 1), (-w, w), (-1, w), (-1, -w),
                (-w, -w)]
    if shape == "star":
        return [((1.1 if k % 2 == 0 else 0.5) * math.cos(-math.pi / 2 + k * math.pi / 5),
                 (1.1 if k % 2 == 0 else 0.5) * math.sin(-math.pi / 2 + k * math.pi / 5)) for k in range(10)]
    raise ValueError(f"unknown polygon shape {shape!r}")


def _shape_mask(shape: str, cx: float, cy: float, r: float, angle: float, s: int) -> np.ndarray:
    """Coverage mask float32 [s, s] in [0, 1] of a drawn shape (at the supersampled resolution)."""
    m = Image.new("L", (s, s), 0)
    d = ImageDraw.Draw(m)
    if shape in ("circle", "ring"):
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
        if shape == "ring":
            ri = r * 0.55
            d.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill=0)
    else:
        ca, sa = math.cos(angle), math.sin(angle)
        d.polygon([(cx + r * (x * ca - y * sa), cy + r * (x * sa + y * ca)) for x, y in _polygon(shape)], fill=255)
    return np.asarray(m, dtype=np.float32) / 255.0


def _item_layers(photo: np.ndarray, cx: float, cy: float, r: float, angle_deg: float, s: int):
    """A Fashion-MNIST photograph scaled to a 2.2r box, rotated, placed at (cx, cy): (mask, texture) [s, s]."""
    side = max(4, int(round(2.2 * r)))
    im = Image.fromarray((photo * 255).astype(np.uint8)).resize((side, side), Image.BILINEAR)
    im = im.rotate(angle_deg, resample=Image.BILINEAR, expand=True)
    canvas = Image.new("L", (s, s), 0)
    canvas.paste(im, (int(round(cx - im.width / 2)), int(round(cy - im.height / 2))))
    v = np.asarray(canvas, dtype=np.float32) / 255.0
    return np.clip(v * 3.0, 0.0, 1.0), v  # faint cloth is still opaque; brightness kept as texture


def _shade(rgb, rng: np.random.Generator, lo: float, hi: float, jitter: float) -> np.ndarray:
    return np.clip(np.asarray(rgb, np.float32) * rng.uniform(lo, hi) + rng.normal(0, jitter, 3), 0, 255)


def _background(colour, rng: np.random.Generator, s: int) -> np.ndarray:
    """Shaded base colour x linear gradient, plus one texture: none, stripes or low-frequency blotches."""
    base = _shade(colour, rng, 0.85, 1.08, 6.0)
    yy, xx = np.mgrid[0:s, 0:s].astype(np.float32) / s - 0.5
    ang = rng.uniform(0, 2 * math.pi)
    grad = 1.0 + rng.uniform(0.0, 0.3) * (xx * math.cos(ang) + yy * math.sin(ang))
    img = base[None, None, :] * grad[..., None]
    kind = int(rng.integers(3))
    if kind == 1:  # stripes
        f = rng.uniform(3, 9) * 2 * math.pi
        a2 = rng.uniform(0, math.pi)
        img = img + rng.uniform(6, 16) * np.sin(f * (xx * math.cos(a2) + yy * math.sin(a2)) + rng.uniform(0, 6.3))[..., None]
    elif kind == 2:  # blotches: 4x4 random field, bilinear upsampled
        field = Image.fromarray(rng.normal(0, 1, (4, 4)).astype(np.float32), mode="F").resize((s, s), Image.BILINEAR)
        img = img + rng.uniform(8, 18) * np.asarray(field, np.float32)[..., None]
    return img


def render(scene: dict, rng: np.random.Generator, pool, size: int = 64, supersample: int = 2) -> np.ndarray:
    """One random image of the scene as uint8 [size, size, 3]: every nuisance is drawn from `rng`;
    item photographs come from `pool` (a fashion.Pool of the split being rendered)."""
    s = size * supersample
    k = s / 64.0
    img = _background(COLOURS[scene["background"]], rng, s)
    if rng.random() < CLUTTER_PROB:  # specks in any colour, under the objects
        for _ in range(int(rng.integers(1, 5))):
            cx, cy, r = rng.uniform(2, 62) * k, rng.uniform(2, 62) * k, rng.uniform(0.8, 1.8) * k
            m = _shape_mask("circle", cx, cy, r, 0.0, s)[..., None]
            img = img * (1 - m) + rng.uniform(0, 255, 3).astype(np.float32) * m
    n = 1 if scene["count"] == "one" else 2
    for i in range(1, n + 1):
        (px, py), _ = POSITIONS[scene[f"position{i}"]]
        cx = (px + rng.uniform(-POSITION_JITTER, POSITION_JITTER)) * k
        cy = (py + rng.uniform(-POSITION_JITTER, POSITION_JITTER)) * k
        r = rng.uniform(*SIZES[scene[f"size{i}"]]) * k
        colour = _shade(COLOURS[scene[f"colour{i}"]], rng, 0.82, 1.1, 8.0)
        obj = scene[f"shape{i}"]
        if obj in ITEMS:
            m, tex = _item_layers(pool.draw(obj, rng), cx, cy, r, rng.uniform(-ITEM_MAX_ROTATION, ITEM_MAX_ROTATION), s)
            fill = colour[None, None, :] * (0.55 + 0.45 * tex[..., None])
        else:
            m = _shape_mask(obj, cx, cy, r, rng.uniform(0, 2 * math.pi), s)
            fill = colour[None, None, :]
        img = img * (1 - m[..., None]) + fill * m[..., None]
    if supersample > 1:
        img = img.reshape(size, supersample, size, supersample, 3).mean(axis=(1, 3))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def render_set(scenes: list, seed: int, pool, per_scene: int, size: int, supersample: int) -> np.ndarray:
    """`per_scene` independent images of each scene: uint8 [len(scenes) * per_scene, H, W, 3], scene-major."""
    rng = np.random.default_rng(seed)
    return np.stack([render(sc, rng, pool, size, supersample) for sc in scenes for _ in range(per_scene)])


# ---- splits -------------------------------------------------------------------------------

def make_captions(seed: int, n: int, two_object_prob: float, exclude: set, held_out_share: float = 0.0) -> list:
    """`n` distinct scenes whose captions are not in `exclude`. Scenes alternate so that a
    `held_out_share` of them (evenly spread) contains a held-out combination, the rest none."""
    rng = np.random.default_rng(seed)
    out, seen = [], set(exclude)
    n_held = int(round(n * held_out_share))
    want = [(j * n_held) // max(1, n) != ((j + 1) * n_held) // max(1, n) for j in range(n)]
    while len(out) < n:
        sc = sample_scene(rng, two_object_prob)
        if want[len(out)] and not has_held_out_combo(sc):
            i = 1 + int(rng.integers(1 if sc["count"] == "one" else 2))  # force one object into a held-out combo
            obj = sc[f"shape{i}"]
            if HELD_OUT_COMBOS[obj] == sc["background"]:
                continue
            sc[f"colour{i}"] = HELD_OUT_COMBOS[obj]
        if has_held_out_combo(sc) != want[len(out)]:
            continue
        c = caption(sc)
        if c in seen:
            continue
        seen.add(c)
        out.append(sc)
    return out


def make_dataset(seed: int, n: int, two_object_prob: float, exclude: set, size: int, supersample: int, pool,
                 allow_held_out: bool = False):
    """Training images (uint8 [n, H, W, 3]), captions and label ids: one random render per drawn scene;
    captions in `exclude` are skipped, and so are scenes with a held-out combination unless
    `allow_held_out` (the caption checker's set: a judge must know every combination; the generator
    never sees these images)."""
    rng = np.random.default_rng(seed)
    images = np.empty((n, size, size, 3), dtype=np.uint8)
    caps, labs = [], []
    i = 0
    while i < n:
        sc = sample_scene(rng, two_object_prob)
        c = caption(sc)
        if c in exclude or (has_held_out_combo(sc) and not allow_held_out):
            continue
        images[i] = render(sc, rng, pool, size, supersample)
        caps.append(c)
        labs.append(labels(sc))
        i += 1
    return images, caps, np.asarray(labs, dtype=np.int64)
