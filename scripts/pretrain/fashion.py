"""Fashion-MNIST (Debian's dataset-fashion-mnist): the real photographs behind the "item" objects.

60k training + 10k test grayscale 28x28 images of 10 clothing classes (Zalando product photos).
Our image splits: training images come from the first 54k of the training file, validation images
from its last 6k, test images from the test file, so no photograph is shared between splits.
"""

import gzip
import os

import numpy as np

DATA_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
# Caption word per Fashion-MNIST label id (one word each: the tokenizer splits on whitespace).
ITEMS = ["tshirt", "trousers", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
N_TRAIN_SPLIT = 54000  # training file: [0, 54000) -> our training split, [54000, 60000) -> validation


def _read_idx(path: str) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _file(name: str) -> str:
    path = os.path.join(DATA_DIR, name)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} not found: install Debian's dataset-fashion-mnist (scripts/setup.sh)")
    return path


class Pool:
    """Images of one split grouped by class: pool.by_class[k] is a uint8 [n_k, 28, 28] array."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, split: str):
        self.split = split
        self.by_class = [images[labels == k] for k in range(len(ITEMS))]
        self.sizes = [int(x.shape[0]) for x in self.by_class]

    def draw(self, item: str, rng: np.random.Generator) -> np.ndarray:
        """One photograph of `item` as float32 [28, 28] in [0, 1]."""
        imgs = self.by_class[ITEMS.index(item)]
        return imgs[int(rng.integers(imgs.shape[0]))].astype(np.float32) / 255.0


def load_pools() -> dict:
    """{'train': Pool, 'val': Pool, 'test': Pool}, split by image as the module docstring says."""
    tr_x = _read_idx(_file("train-images-idx3-ubyte.gz"))
    tr_y = _read_idx(_file("train-labels-idx1-ubyte.gz"))
    te_x = _read_idx(_file("t10k-images-idx3-ubyte.gz"))
    te_y = _read_idx(_file("t10k-labels-idx1-ubyte.gz"))
    n = N_TRAIN_SPLIT
    return {"train": Pool(tr_x[:n], tr_y[:n], "train"), "val": Pool(tr_x[n:], tr_y[n:], "val"),
            "test": Pool(te_x, te_y, "test")}
