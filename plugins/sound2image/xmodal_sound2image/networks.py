"""The frozen feature networks (stand-ins for SoundNet and VGG-16) and the independent judge.

No SoundNet or VGG weights exist offline, so both feature extractors are
trained here, as classifiers of the same ~51 classes the multimodal layers
learn (which makes the task easier than the paper's: SoundNet and VGG never
saw its 52 labels). Their features are what the method reads:

* :class:`SoundCNN`: log-mel -> four conv blocks -> global average and max
  pooling -> the "pool5" sound feature (``8 * width * 2`` values);
* :class:`ImageCNN`: 64x64 (or 128x128) RGB -> four conv blocks -> ``fc6``
  (``feature_dim`` values after its ReLU, the VGG fc6 analogue; the paper's
  4096) -> the class layer.

:class:`JudgeCNN` is the evaluation classifier, deliberately another design
(strided convolutions, group norm, leaky ReLU, no fully-connected feature),
trained with another seed on real pictures only, so that it agrees with the
image CNN only through what the pictures show.
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["ImageCNN", "JudgeCNN", "SoundCNN"]


def _block(a: int, b: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(a, b, 3, padding=1, bias=False), nn.BatchNorm2d(b), nn.ReLU(True),
                         nn.Conv2d(b, b, 3, padding=1, bias=False), nn.BatchNorm2d(b), nn.ReLU(True),
                         nn.MaxPool2d(2))


class SoundCNN(nn.Module):
    """Log-mel ``[B, 1, M, T]`` -> pooled feature ``[B, feature_dim]`` -> class logits."""

    def __init__(self, classes: int, width: int = 16) -> None:
        super().__init__()
        chans = [1, width, 2 * width, 4 * width, 8 * width]
        self.norm = nn.BatchNorm2d(1)
        self.trunk = nn.Sequential(*[_block(a, b) for a, b in itertools.pairwise(chans)])
        self.feature_dim = 2 * chans[-1]
        self.drop = nn.Dropout(0.3)
        self.head = nn.Linear(self.feature_dim, classes)

    def features(self, spec: torch.Tensor) -> torch.Tensor:
        """The pool5 analogue: average and max over time and frequency of the last block."""
        h = self.trunk(self.norm(spec))
        return torch.cat([h.mean((2, 3)), h.amax((2, 3))], 1)

    def forward(self, spec: torch.Tensor) -> torch.Tensor:
        return self.head(self.drop(self.features(spec)))


class ImageCNN(nn.Module):
    """RGB ``[B, 3, S, S]`` in [-1, 1] -> fc6 ``[B, feature_dim]`` (after ReLU) -> class logits."""

    def __init__(self, classes: int, width: int = 16, feature_dim: int = 1024) -> None:
        super().__init__()
        chans = [3, width, 2 * width, 4 * width, 8 * width]
        self.trunk = nn.Sequential(*[_block(a, b) for a, b in itertools.pairwise(chans)])
        self.squeeze = nn.AdaptiveAvgPool2d(4)  # 4x4 at 64x64 already; 128x128 pictures give 8x8
        self.fc6 = nn.Linear(8 * width * 16, feature_dim)
        self.drop = nn.Dropout(0.5)
        self.head = nn.Linear(feature_dim, classes)
        self.feature_dim = feature_dim

    def features(self, image: torch.Tensor) -> torch.Tensor:
        """fc6 after its ReLU (VGG's fc6 as image features are usually taken)."""
        h = self.squeeze(self.trunk(image)).flatten(1)
        return F.relu(self.fc6(h))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.head(self.drop(self.features(image)))


class JudgeCNN(nn.Module):
    """The independent classifier: strided convs, GroupNorm, LeakyReLU, global pooling, one linear."""

    def __init__(self, classes: int, width: int = 24) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        chans = [3, width, 2 * width, 4 * width, 4 * width]
        for a, b in itertools.pairwise(chans):
            layers += [nn.Conv2d(a, b, 5, stride=2, padding=2), nn.GroupNorm(4, b), nn.LeakyReLU(0.1, True)]
        self.trunk = nn.Sequential(*layers)
        self.head = nn.Linear(chans[-1], classes)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.head(self.trunk(image).mean((2, 3)))
