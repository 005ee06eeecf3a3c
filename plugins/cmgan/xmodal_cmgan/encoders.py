"""The paper's two classifiers, whose 128-D penultimate layers are the cross-modal encodings.

- :class:`SoundClassifier`: 4 convolutions + 3 fully connected layers on a
  128 x 44 log-mel window (Table 1's best row, LMS with four conv layers,
  87.44%). The paper puts an L2 penalty of 0.015 on the FC weights and dropout
  "0.7 and 0.8" on the last two layers, which reads as TensorFlow keep
  probabilities: dropout p = 0.3 before FC2 and p = 0.2 before FC3 here.
  The 128-D output of FC2 is the sound encoding that conditions S2I.
- :class:`ImageClassifier`: 6 convolutions (all 3 x 3) + 3 FC layers on a 64 x 64
  RGB picture in [-1, 1]; its 128-D FC2 output is the image encoding that
  conditions I2S, and the network itself is the evaluator Gamma that judges
  generated pictures.

Both normalise their own input (the sound classifier holds per-mel-band
statistics of the training log-mels as buffers), so the statistics travel with
the weights. What the paper leaves open and is ours: channel widths, batch
norm after every convolution, 2 x 2 max pooling, ReLU, Adam. The training
functions live in :mod:`xmodal_cmgan.classifier_train`.
"""

from __future__ import annotations

import itertools
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["ENCODING_DIM", "FC_L2", "ImageClassifier", "SoundClassifier", "fc_l2_penalty",
           "train_image_classifier", "train_sound_classifier"]

#: Size of both encodings (the paper's 1 x 128 FC outputs).
ENCODING_DIM = 128
#: The paper's L2 weight on the fully connected layers (TensorFlow's l2_loss: sum(w^2) / 2).
FC_L2 = 0.015


def _conv(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class SoundClassifier(nn.Module):
    """Log-mel window ``[B, n_mels, frames]`` (or ``[B, 1, n_mels, frames]``) -> instrument logits.

    Four conv blocks (3 x 3, batch norm, ReLU, 2 x 2 max pool) of ``width``,
    ``2 width``, ``4 width``, ``4 width`` channels take 128 x 44 down to 8 x 2;
    then FC1 (``hidden``), FC2 (128, the encoding) and FC3 (the classes).
    """

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, classes: int = 13, width: int = 16, n_mels: int = 128, frames: int = 44,
                 hidden: int = 256, dropout: tuple[float, float] = (0.3, 0.2)) -> None:
        super().__init__()
        self.classes, self.width, self.hidden = classes, width, hidden
        self.register_buffer("mean", torch.zeros(1, 1, n_mels, 1))
        self.register_buffer("std", torch.ones(1, 1, n_mels, 1))
        chans = [1, width, 2 * width, 4 * width, 4 * width]
        self.convs = nn.Sequential(*[nn.Sequential(_conv(a, b), nn.MaxPool2d(2))
                                     for a, b in itertools.pairwise(chans)])
        h, w = n_mels, frames
        for _ in range(4):
            h, w = h // 2, w // 2
        self.fc1 = nn.Linear(chans[-1] * h * w, hidden)
        self.fc2 = nn.Linear(hidden, ENCODING_DIM)
        self.fc3 = nn.Linear(ENCODING_DIM, classes)
        self.drop2 = nn.Dropout(dropout[0])
        self.drop3 = nn.Dropout(dropout[1])

    def set_stats(self, mean: Any, std: Any) -> None:
        """Store the training log-mels' per-band mean and std (see ``features.lms_stats``)."""
        self.mean.copy_(torch.as_tensor(mean, dtype=torch.float32).reshape(self.mean.shape))
        self.std.copy_(torch.as_tensor(std, dtype=torch.float32).reshape(self.std.shape))

    def normalise(self, lms: torch.Tensor) -> torch.Tensor:
        x = lms.float()
        if x.dim() == 3:
            x = x[:, None]
        return (x - self.mean) / self.std

    def encode(self, lms: torch.Tensor) -> torch.Tensor:
        """The 128-D sound encoding (FC2 after its ReLU), ``[B, 128]``."""
        x = self.convs(self.normalise(lms)).flatten(1)
        x = F.relu(self.fc1(x))
        return F.relu(self.fc2(self.drop2(x)))

    def forward(self, lms: torch.Tensor) -> torch.Tensor:
        return self.fc3(self.drop3(self.encode(lms)))

    def fc_weights(self) -> list[torch.Tensor]:
        return [self.fc1.weight, self.fc2.weight, self.fc3.weight]


class ImageClassifier(nn.Module):
    """Picture ``[B, 3, 64, 64]`` in [-1, 1] -> instrument logits; Gamma of the paper.

    Six 3 x 3 conv blocks (``width``, ``width``, ``2 width``, ``2 width``,
    ``4 width``, ``4 width`` channels, a 2 x 2 max pool after every second one,
    64 -> 8), a 2 x 2 average pool to 4 x 4, then FC1 (``hidden``), FC2 (128,
    the encoding) and FC3 (the classes).
    """

    def __init__(self, classes: int = 13, width: int = 16, size: int = 64, hidden: int = 256,
                 dropout: float = 0.3) -> None:
        super().__init__()
        chans = [3, width, width, 2 * width, 2 * width, 4 * width, 4 * width]
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(itertools.pairwise(chans)):
            layers.append(_conv(a, b))
            if i % 2 == 1:
                layers.append(nn.MaxPool2d(2))
        layers.append(nn.AdaptiveAvgPool2d(4))
        self.convs = nn.Sequential(*layers)
        self.fc1 = nn.Linear(chans[-1] * 16, hidden)
        self.fc2 = nn.Linear(hidden, ENCODING_DIM)
        self.fc3 = nn.Linear(ENCODING_DIM, classes)
        self.drop2 = nn.Dropout(dropout)
        self.drop3 = nn.Dropout(dropout)
        self.size = size

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """The 128-D image encoding (FC2 after its ReLU), ``[B, 128]``."""
        x = images.float()
        if x.shape[-1] != self.size or x.shape[-2] != self.size:
            x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", antialias=True,
                              align_corners=False)
        x = self.convs(x).flatten(1)
        x = F.relu(self.fc1(x))
        return F.relu(self.fc2(self.drop2(x)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.fc3(self.drop3(self.encode(images)))

    def fc_weights(self) -> list[torch.Tensor]:
        return [self.fc1.weight, self.fc2.weight, self.fc3.weight]


def fc_l2_penalty(model: SoundClassifier | ImageClassifier, weight: float = FC_L2) -> torch.Tensor:
    """``weight * sum(w^2) / 2`` over the FC weights (the paper's L2, TensorFlow's convention)."""
    return weight * sum((w**2).sum() for w in model.fc_weights()) / 2  # type: ignore[return-value]


def train_sound_classifier(folder: Any, **kwargs: Any) -> dict[str, Any]:
    """Train and save the sound classifier; see :func:`xmodal_cmgan.classifier_train.train_sound`."""
    from .classifier_train import train_sound

    return train_sound(folder, **kwargs)


def train_image_classifier(folder: Any, **kwargs: Any) -> dict[str, Any]:
    """Train and save Gamma; see :func:`xmodal_cmgan.classifier_train.train_gamma`."""
    from .classifier_train import train_gamma

    return train_gamma(folder, **kwargs)
