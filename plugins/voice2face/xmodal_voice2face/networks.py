"""The paper's Table 2 networks with the official code's corrections: F_g, and F_d / F_c on one trunk.

Table 2 lists 3x3 stride-2 (de)convolutions, which cannot produce its own
8/16/32/64 shapes (a 3x3/2,1 deconvolution maps 4 to 7); the official code
uses 4x4/2,1, which doubles exactly, and so do we. Also as in the official
code: no batch norm and no output activation in the generator (its output is
clamped to [-1, 1] at inference), no activation after the trunk's last conv,
and bias-free linear heads.

Both networks keep their convolution weights channels-last (NHWC): on a CPU,
oneDNN's convolutions then skip the reorders between PyTorch's NCHW and their
own blocked layout, which took about a fifth of a training step (measured in
``benchmarks/voice2face_step.py``). The layout is not part of the weights:
saved state is contiguous, and loading copies into the channels-last tensors.

``width`` scales every layer: the generator has 16w, 8w, 4w, 2w, w channels
(paper: w = 64, i.e. 1024 ... 64), the trunk w', 2w' ... 16w' (paper: w' = 32).
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import nn

from engine import Translator

__all__ = ["FaceCritic", "FaceTrunk", "Generator", "normalise_voice"]

#: The trunk's output: the face embedding both heads read (Table 2: 64x1x1).
TRUNK_DIM = 64


def normalise_voice(voice: torch.Tensor, noise: torch.Tensor | None = None,
                    scale: float = 0.05) -> torch.Tensor:
    """Unit-norm voice embeddings; in training the official code adds 0.05 N(0,1) and re-normalises."""
    v = F.normalize(voice.float(), dim=1)
    if noise is not None:
        v = F.normalize(v + scale * noise, dim=1)
    return v


class Generator(Translator):
    """F_g: voice embedding ``[B, in_dim]`` -> face ``[B, channels, 64, 64]`` (about [-1, 1]).

    Deconv 4x4/1,0 to 16w x 4 x 4, four Deconv 4x4/2,1 to w x 64 x 64 (ReLU
    after each), and a 1x1 deconvolution. ``dcgan=False`` is the official code
    (no normalisation, no output activation); ``dcgan=True`` adds DCGAN's batch
    norm before every hidden ReLU and a tanh on the output (the paper says its
    training follows DCGAN): with 300 training faces the plain generator
    fooled the classifier with checkerboard patterns instead of drawing faces.
    ``resize=True`` doubles the map by nearest-neighbour upsampling and a 3x3
    convolution instead of each stride-2 deconvolution (the checkerboard's usual
    cure); off by default, so the paper's and the official shapes stay.
    """

    def __init__(self, in_dim: int = 64, width: int = 64, channels: int = 3,
                 dcgan: bool = False, resize: bool = False) -> None:
        super().__init__()
        self.in_dim = in_dim
        chans = [16 * width, 8 * width, 4 * width, 2 * width, width]

        def block(a: int, b: int, stride: int, padding: int) -> list[nn.Module]:
            norm: list[nn.Module] = [nn.BatchNorm2d(b)] if dcgan else []
            if resize and stride == 2:
                up = nn.Upsample(scale_factor=2.0, mode="nearest")
                return [up, nn.Conv2d(a, b, 3, 1, 1), *norm, nn.ReLU(True)]
            return [nn.ConvTranspose2d(a, b, 4, stride, padding), *norm, nn.ReLU(True)]

        layers: list[nn.Module] = block(in_dim, chans[0], 1, 0)
        for a, b in itertools.pairwise(chans):
            layers += block(a, b, 2, 1)
        layers.append(nn.ConvTranspose2d(width, channels, 1, 1, 0))
        if dcgan:
            layers.append(nn.Tanh())
        self.net = nn.Sequential(*layers)
        self.to(memory_format=torch.channels_last)  # type: ignore[call-overload]  # (stubs lack it)

    def generate(self, voice: torch.Tensor) -> torch.Tensor:
        """Training-time output (unclamped) from already-normalised embeddings."""
        return self.net(voice[:, :, None, None])

    def forward(self, features: torch.Tensor, normalised: bool = False, **condition: object) -> torch.Tensor:
        """Inference: normalise the embedding, generate, clamp to [-1, 1] (as the official test).

        ``normalised=True`` (training): the embeddings are already normalised (and noised)
        and the output is left unclamped, so that gradients reach every pixel.
        """
        if normalised:
            return self.generate(features)
        return self.generate(normalise_voice(features)).clamp(-1.0, 1.0)


class FaceTrunk(nn.Module):
    """The shared conv trunk: 3 x 64 x 64 -> 64-D (Conv 1x1, four Conv 4x4/2,1, Conv 4x4/1,0)."""

    def __init__(self, width: int = 32, channels: int = 3, out_dim: int = TRUNK_DIM) -> None:
        super().__init__()
        chans = [width, 2 * width, 4 * width, 8 * width, 16 * width]
        layers: list[nn.Module] = [nn.Conv2d(channels, chans[0], 1, 1, 0), nn.LeakyReLU(0.2, True)]
        for a, b in itertools.pairwise(chans):
            layers += [nn.Conv2d(a, b, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        layers.append(nn.Conv2d(chans[-1], out_dim, 4, 1, 0))
        self.net = nn.Sequential(*layers)

    def forward(self, face: torch.Tensor) -> torch.Tensor:
        return self.net(face).flatten(1)


class FaceCritic(nn.Module):
    """F_d and F_c on one trunk: ``forward`` returns (real/fake logit ``[B]``, identity logits ``[B, k]``)."""

    def __init__(self, classes: int, width: int = 32, channels: int = 3) -> None:
        super().__init__()
        self.trunk = FaceTrunk(width, channels)
        self.d = nn.Linear(TRUNK_DIM, 1, bias=False)
        self.c = nn.Linear(TRUNK_DIM, classes, bias=False)
        self.to(memory_format=torch.channels_last)  # type: ignore[call-overload]  # (stubs lack it)

    def forward(self, face: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(face)
        return self.d(h).squeeze(1), self.c(h)
