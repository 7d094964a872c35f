"""Caption checker: a small CNN predicting the caption's attributes from a 64x64 image in [-1, 1].

One softmax head per attribute (shapes.ATTRIBUTES); the testbed's text-image consistency score,
our stand-in for a CLIP score: the share of a prompt's attributes the image shows.
"""

import torch
from torch import nn
import torch.nn.functional as F


class Checker(nn.Module):
    def __init__(self, ch, head_sizes):
        super().__init__()
        c1, c2, c3 = ch
        self.net = nn.Sequential(
            nn.Conv2d(3, c1, 3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(),
            nn.MaxPool2d(2),  # 32
            nn.Conv2d(c1, c2, 3, padding=1), nn.BatchNorm2d(c2), nn.ReLU(),
            nn.MaxPool2d(2),  # 16
            nn.Conv2d(c2, c3, 3, padding=1), nn.BatchNorm2d(c3), nn.ReLU(),
            nn.MaxPool2d(2),  # 8
            nn.Conv2d(c3, c3, 3, padding=1), nn.BatchNorm2d(c3), nn.ReLU(),
        )
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(c3 * 64, 256), nn.ReLU())
        self.heads = nn.ModuleList(nn.Linear(256, n) for n in head_sizes)

    def forward(self, image):
        """A tuple of logits, one [B, n_classes] tensor per attribute."""
        h = self.fc(self.net(image))
        return tuple(head(h) for head in self.heads)

    @torch.no_grad()
    def features(self, image, batch: int = 256):
        """The shared 256-d representation under the heads, [B, 256]: the feature space of the
        diversity and Frechet (FCD) measurements, as Inception's pool layer is for FID."""
        return torch.cat([self.fc(self.net(image[i : i + batch])) for i in range(0, image.shape[0], batch)])

    def loss(self, image, labels):
        logits = self.forward(image)
        return sum(F.cross_entropy(lg, labels[:, i]) for i, lg in enumerate(logits)) / len(logits)

    @torch.no_grad()
    def predict(self, image, batch: int = 256):
        """Class ids [B, n_attributes]."""
        outs = []
        for i in range(0, image.shape[0], batch):
            outs.append(torch.stack([lg.argmax(-1) for lg in self.forward(image[i : i + batch])], dim=1))
        return torch.cat(outs)
