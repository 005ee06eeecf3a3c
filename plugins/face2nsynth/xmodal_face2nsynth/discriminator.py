"""The two critics: WaveGAN's on waveforms (with pitch projection) and the auxiliary one on phi.

The waveform discriminator follows WaveGAN (1-D convolutions, kernel 25, stride
4, leaky ReLU, phase shuffle so it cannot key on the generator's
upsampling artefacts) with spectral norm on every layer and a projection
term ``<embed(pitch), h>`` so it judges "is this a real note *of this pitch*".
The auxiliary discriminator is the paper's MLP 505-128-64-32-16-1 with spectral
norm on the audio metric phi: it sees where a note lands in the space the
distance loss works in, and pushes translations to cover the same region as
real notes there (the paper's cure for the diversity the distance loss takes away).
"""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from .audio import NUM_PITCHES, NUM_SAMPLES, LogMel
from .layers import PolyphaseConv1d

__all__ = ["AuxDiscriminator", "MelDiscriminator", "NoteDiscriminator", "phase_shuffle"]

_KERNEL = 25
_STRIDES = (4, 4, 4, 4, 4)


def phase_shuffle(x: torch.Tensor, shift: int) -> torch.Tensor:
    """Shift every item by its own random offset in ``[-shift, shift]``, reflecting at the edges."""
    if shift <= 0:
        return x
    b, c, n = x.shape
    offsets = torch.randint(-shift, shift + 1, (b, 1, 1), device=x.device)
    padded = F.pad(x, (shift, shift), mode="reflect")
    index = torch.arange(n, device=x.device).view(1, 1, n) + shift - offsets
    return padded.gather(2, index.expand(b, c, n))


class NoteDiscriminator(nn.Module):
    """Waveform ``[B, 1, 8192]`` + pitch index ``[B]`` -> realness score ``[B]`` (hinge loss)."""

    def __init__(self, width: int = 64, shuffle: int = 2) -> None:
        super().__init__()
        channels = [1, width, 2 * width, 4 * width, 8 * width, 16 * width]
        self.convs = nn.ModuleList(
            [spectral_norm(PolyphaseConv1d(channels[i], channels[i + 1], _KERNEL, s, _KERNEL // 2))
             for i, s in enumerate(_STRIDES)]
        )
        length = NUM_SAMPLES
        for s in _STRIDES:
            length //= s
        features = channels[-1] * length
        self.shuffle = shuffle
        self.linear = spectral_norm(nn.Linear(features, 1))
        self.embed = spectral_norm(nn.Embedding(NUM_PITCHES, features))

    def forward(self, wave: torch.Tensor, pitch_index: torch.Tensor) -> torch.Tensor:
        x = wave if wave.ndim == 3 else wave.unsqueeze(1)
        last = len(self.convs) - 1
        for i, conv in enumerate(self.convs):
            x = F.leaky_relu(conv(x), 0.2)
            if i < last:
                x = phase_shuffle(x, self.shuffle)
        h = x.flatten(1)
        return self.linear(h).squeeze(1) + (self.embed(pitch_index) * h).sum(1)


class MelDiscriminator(nn.Module):
    """Log-mel ``[80 x 29]`` critic with spectral norm and pitch projection (the harmonic generator's).

    The harmonic generator's waveform is exact by construction (pitch, phase);
    what it can get wrong is the timbre and envelope, which a log-mel image shows
    directly and a small 2-D CNN judges at a fraction of the waveform critic's cost.
    """

    def __init__(self, width: int = 8) -> None:
        super().__init__()
        self.mel = LogMel()
        channels = [1, 2 * width, 4 * width, 8 * width, 16 * width]
        self.convs = nn.ModuleList(
            [spectral_norm(nn.Conv2d(a, b, 3, stride=2, padding=1)) for a, b in itertools.pairwise(channels)]
        )
        features = channels[-1] * 5 * 2  # 80 x 29 halved four times
        self.linear = spectral_norm(nn.Linear(features, 1))
        self.embed = spectral_norm(nn.Embedding(NUM_PITCHES, features))

    def forward(self, wave: torch.Tensor, pitch_index: torch.Tensor) -> torch.Tensor:
        x = (self.mel(wave) + 5.0) / 5.0
        for conv in self.convs:
            x = F.leaky_relu(conv(x), 0.2)
        h = x.flatten(1)
        return self.linear(h).squeeze(1) + (self.embed(pitch_index) * h).sum(1)


class AuxDiscriminator(nn.Module):
    """phi features ``[B, 505]`` -> realness score ``[B]``: MLP 505-128-64-32-16-1, spectral norm."""

    def __init__(self, in_dim: int = 505, hidden: tuple[int, ...] = (128, 64, 32, 16),
                 classes: int = 0) -> None:
        super().__init__()
        dims = [in_dim, *hidden]
        self.hidden = nn.ModuleList(
            [spectral_norm(nn.Linear(a, b)) for a, b in itertools.pairwise(dims)]
        )
        self.out = spectral_norm(nn.Linear(dims[-1], 1))
        #: ``classes`` > 0: a projection term ``<embed(label), h>`` (the control critic judges
        #: "real controls *at this pitch*"; the paper's auxiliary critic has none).
        self.embed = spectral_norm(nn.Embedding(classes, dims[-1])) if classes else None

    def forward(self, features: torch.Tensor, label: torch.Tensor | None = None) -> torch.Tensor:
        x = features
        for layer in self.hidden:
            x = F.leaky_relu(layer(x), 0.2)
        score = self.out(x).squeeze(1)
        if self.embed is not None:
            assert label is not None, "a projection critic needs the label"
            score = score + (self.embed(label) * x).sum(1)
        return score
