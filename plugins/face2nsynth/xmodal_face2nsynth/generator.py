"""The translator: a WaveGAN-style generator from the face vector, conditioned on pitch.

The paper removes WaveGAN's noise input: the note is a function of the face
(and the pitch the caller asks for) alone, which is what makes "the same face
gives the same note" and "similar faces sound similar" possible. Pitch enters
through conditional batch norm (a per-pitch scale and shift after every
normalisation), so one network plays every note of the range.

Shape: a dense layer to ``16 width`` channels x 16 samples, then five 1-D
transposed convolutions (kernel 25, strides 4, 4, 4, 4, 2) to 8192 samples,
``tanh`` out.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import nn

from engine import Translator

from .audio import NUM_PITCHES, NUM_SAMPLES, PITCH_MIN, midi_to_index
from .layers import PolyphaseConvTranspose1d

__all__ = ["STRIDES", "ConditionalBatchNorm", "NoteGenerator", "default_pitches", "pitch_labels"]

#: Upsampling factors of the five transposed convolutions: 16 * 4^4 * 2 = 8192.
STRIDES = (4, 4, 4, 4, 2)
_KERNEL = 25
_START = NUM_SAMPLES // 512


class ConditionalBatchNorm(nn.Module):
    """Batch norm without its own affine part, then a scale and shift chosen by pitch."""

    def __init__(self, channels: int, classes: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm1d(channels, affine=False)
        self.gamma = nn.Embedding(classes, channels)
        self.beta = nn.Embedding(classes, channels)
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        return self.gamma(label).unsqueeze(-1) * self.norm(x) + self.beta(label).unsqueeze(-1)


def _up(cin: int, cout: int, stride: int) -> PolyphaseConvTranspose1d:
    """WaveGAN's transposed convolution (kernel 25) from length L to exactly ``stride * L``."""
    return PolyphaseConvTranspose1d(cin, cout, _KERNEL, stride, padding=(_KERNEL - stride + 1) // 2)


def default_pitches(features: torch.Tensor, distribution: torch.Tensor) -> torch.Tensor:
    """One pitch index per face, drawn from ``distribution`` with the face itself as the seed.

    Sampling from the training distribution gives the notes their natural
    spread of pitches; seeding the draw with the face keeps a face's note the
    same on every call.
    """
    out = torch.empty(len(features), dtype=torch.long)
    cdf = distribution.detach().double().cpu().cumsum(0)
    for i, f in enumerate(features.detach().float().cpu()):
        seed = int((f * 1e4).round().long().mul(torch.arange(1, len(f) + 1)).sum()) % (2**31)
        u = torch.rand((), generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        out[i] = int(torch.searchsorted(cdf, u * cdf[-1]).clamp(max=len(cdf) - 1))
    return out


def pitch_labels(features: torch.Tensor, condition: dict[str, Any],
                 distribution: torch.Tensor) -> torch.Tensor:
    """Pitch indices ``[B]`` from a generator's condition, shared by both generators.

    ``pitch_index`` (a tensor, training and evaluation) wins, then ``pitch`` (one
    MIDI number for all faces), else every face draws its own (:func:`default_pitches`).
    """
    label = condition.get("pitch_index")
    if label is None:
        pitch = condition.get("pitch")
        if pitch is None:
            label = default_pitches(features, distribution)
        else:
            label = torch.full((len(features),), midi_to_index(pitch), dtype=torch.long)
    return label.to(features.device)


class NoteGenerator(Translator):
    """Face embedding ``[B, in_dim]`` + pitch -> waveform ``[B, 1, 8192]`` in [-1, 1]."""

    #: ``pitch``: one MIDI note (24-84) for every face; without it each face draws its own.
    options: ClassVar[dict[str, type]] = {"pitch": int}
    pitch_distribution: torch.Tensor

    def __init__(self, width: int = 64, in_dim: int = 128) -> None:
        super().__init__()
        self.width = width
        channels = [16 * width, 8 * width, 4 * width, 2 * width, width, 1]
        self.dense = nn.Linear(in_dim, channels[0] * _START)
        self.norms = nn.ModuleList([ConditionalBatchNorm(c, NUM_PITCHES) for c in channels[:-1]])
        self.ups = nn.ModuleList(
            [_up(channels[i], channels[i + 1], s) for i, s in enumerate(STRIDES)]
        )
        #: Training-set pitch frequencies, used when the caller names no pitch.
        self.register_buffer("pitch_distribution", torch.full((NUM_PITCHES,), 1.0 / NUM_PITCHES))

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        """``condition``: ``pitch`` (a MIDI number for all faces) or ``pitch_index`` (a tensor)."""
        label = pitch_labels(features, condition, self.pitch_distribution)
        x = self.dense(features).view(len(features), -1, _START)
        for norm, up in zip(self.norms, self.ups, strict=True):
            x = up(torch.relu(norm(x, label)))
        return torch.tanh(x)

    @staticmethod
    def midi(pitch_index: torch.Tensor) -> torch.Tensor:
        """Pitch class indices -> MIDI note numbers."""
        return pitch_index + PITCH_MIN
