"""The I2S networks of Chen et al. (2017): image encoding -> 128 x 34 log-mel, and its critic.

Generator: the frozen 128-D image encoding goes through FC + leaky ReLU to a
64-D condition, is joined with noise z, and a DCGAN trunk grows it to a
32 x 32 map (``width`` channels; the paper's map has 128). The paper's two
deconvolutions (4 x 4, stride (2, 1), padding (1, 1)) then take 32 x 32 to
64 x 33 and 128 x 34: height doubles twice, width grows by one each time.

Discriminator: the paper's two convolutions (4 x 4, stride (2, 1), padding 1)
take 128 x 34 back to 64 x 33 and 32 x 32; a DCGAN trunk halves that to 4 x 4,
where the 64-D condition (its own FC + leaky ReLU) is tiled and joined, as in
GAN-CLS, and one 4 x 4 convolution gives the score logit.

The spectrogram geometry: the paper's ground truth is 128 x 44 (0.5 s) and is
shrunk to 128 x 34 "with the numpy resize function". ``np.resize`` would cut
and wrap the array, not resample it; we resample along time by linear
interpolation (:func:`to_generator_frames`) and back (:func:`to_lms_frames`),
so a generated spectrogram is judged and voiced at 128 x 44.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "CONDITION_DIM",
    "ENCODING_DIM",
    "GEN_FRAMES",
    "LMS_FRAMES",
    "MELS",
    "I2SDiscriminator",
    "I2SGenerator",
    "to_generator_frames",
    "to_lms_frames",
]

#: Mel bands of the paper's log-mel spectrogram.
MELS = 128
#: Frames of a 0.5 s window at 44.1 kHz with hop 512 (the ground truth's width).
LMS_FRAMES = 44
#: Frames the generator makes and the discriminator reads (the paper's 128 x 34).
GEN_FRAMES = 34
#: The image encoding (Gamma's 128-D penultimate layer).
ENCODING_DIM = 128
#: The condition phi(I) the encoding is mapped to before it joins z.
CONDITION_DIM = 64


def _resize_frames(lms: torch.Tensor, frames: int) -> torch.Tensor:
    """(B, 128, T) or (B, 1, 128, T) -> the same with ``frames`` time steps (linear interpolation)."""
    squeeze = lms.ndim == 3
    x = lms.unsqueeze(1) if squeeze else lms
    out = F.interpolate(x, size=(x.shape[-2], frames), mode="bilinear", align_corners=True)
    return out.squeeze(1) if squeeze else out


def to_generator_frames(lms: torch.Tensor) -> torch.Tensor:
    """Ground truth 128 x 44 -> 128 x 34 by interpolation along time (not ``np.resize``)."""
    return _resize_frames(lms, GEN_FRAMES)


def to_lms_frames(lms: torch.Tensor) -> torch.Tensor:
    """Generated 128 x 34 -> 128 x 44, the geometry the judge and Griffin-Lim read."""
    return _resize_frames(lms, LMS_FRAMES)


def _condition_net() -> nn.Sequential:
    return nn.Sequential(nn.Linear(ENCODING_DIM, CONDITION_DIM), nn.LeakyReLU(0.2))


class I2SGenerator(nn.Module):
    """(image encoding (B, 128), z (B, z_dim)) -> normalised log-mel (B, 1, 128, 34).

    ``width`` is the channel count of the 32 x 32 map (paper: 128); the trunk
    before it has 8, 4 and 2 times that at 4 x 4, 8 x 8 and 16 x 16.
    """

    def __init__(self, width: int = 32, z_dim: int = 100) -> None:
        super().__init__()
        self.width, self.z_dim = width, z_dim
        self.condition = _condition_net()
        self.project = nn.Sequential(
            nn.Linear(CONDITION_DIM + z_dim, 8 * width * 16, bias=False),
            nn.BatchNorm1d(8 * width * 16), nn.ReLU(True))

        def up(cin: int, cout: int, stride: tuple[int, int]) -> list[nn.Module]:
            return [nn.ConvTranspose2d(cin, cout, 4, stride, 1, bias=False),
                    nn.BatchNorm2d(cout), nn.ReLU(True)]

        half = max(1, width // 2)
        self.trunk = nn.Sequential(
            *up(8 * width, 4 * width, (2, 2)),      # 4 -> 8
            *up(4 * width, 2 * width, (2, 2)),      # 8 -> 16
            *up(2 * width, width, (2, 2)),          # 16 -> 32: the paper's 32 x 32 map
            *up(width, half, (2, 1)),               # 32 x 32 -> 64 x 33
            nn.ConvTranspose2d(half, 1, 4, (2, 1), 1),  # 64 x 33 -> 128 x 34
        )

    def forward(self, encoding: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        h = torch.cat([self.condition(encoding), z], dim=1)
        x = self.project(h).view(len(h), 8 * self.width, 4, 4)
        out: torch.Tensor = self.trunk(x)
        return out


class I2SDiscriminator(nn.Module):
    """(log-mel (B, 1, 128, 34), image encoding (B, 128)) -> score logits (B,)."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        half = max(1, width // 2)
        self.condition = _condition_net()

        def down(cin: int, cout: int, stride: tuple[int, int], norm: bool = True) -> list[nn.Module]:
            layers: list[nn.Module] = [nn.Conv2d(cin, cout, 4, stride, 1, bias=not norm)]
            if norm:
                layers.append(nn.BatchNorm2d(cout))
            layers.append(nn.LeakyReLU(0.2, True))
            return layers

        self.trunk = nn.Sequential(
            *down(1, half, (2, 1), norm=False),     # 128 x 34 -> 64 x 33
            *down(half, width, (2, 1)),             # 64 x 33 -> 32 x 32
            *down(width, 2 * width, (2, 2)),        # 32 -> 16
            *down(2 * width, 4 * width, (2, 2)),    # 16 -> 8
            *down(4 * width, 8 * width, (2, 2)),    # 8 -> 4
        )
        self.joint = nn.Sequential(
            nn.Conv2d(8 * width + CONDITION_DIM, 8 * width, 1, bias=False),
            nn.BatchNorm2d(8 * width), nn.LeakyReLU(0.2, True),
            nn.Conv2d(8 * width, 1, 4, 1, 0),
        )

    def forward(self, lms: torch.Tensor, encoding: torch.Tensor) -> torch.Tensor:
        h = self.trunk(lms)
        c = self.condition(encoding)[:, :, None, None].expand(-1, -1, h.shape[2], h.shape[3])
        out: torch.Tensor = self.joint(torch.cat([h, c], dim=1))
        return out.flatten()
