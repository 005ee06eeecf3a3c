"""Ready-made decoders for the two output kinds most papers need."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import torch

from .interfaces import Decoder, MediaKind
from .media import Audio, Image

__all__ = ["ImageDecoder", "WaveformDecoder"]


class ImageDecoder(Decoder):
    """Network output -> images in [0, 1], from logits ("sigmoid"), [-1, 1] ("tanh") or as is."""

    output_kind: ClassVar[MediaKind] = "image"

    def __init__(self, activation: Literal["sigmoid", "tanh", "none"] = "sigmoid") -> None:
        super().__init__()
        self.activation = activation

    def forward(self, representation: torch.Tensor, **options: Any) -> torch.Tensor:
        if self.activation == "sigmoid":
            return torch.sigmoid(representation)
        if self.activation == "tanh":
            return (representation + 1.0) / 2.0
        return representation

    def to_media(self, batch: torch.Tensor) -> list[Image | Audio]:
        return [Image(x.float().clamp(0.0, 1.0).cpu()) for x in batch]


class WaveformDecoder(Decoder):
    """A generator that already outputs waveforms ``[B, samples]`` or ``[B, C, samples]``."""

    output_kind: ClassVar[MediaKind] = "audio"

    def __init__(self, sample_rate: int) -> None:
        super().__init__()
        self.sample_rate = int(sample_rate)

    def to_media(self, batch: torch.Tensor) -> list[Image | Audio]:
        if batch.ndim == 2:
            batch = batch.unsqueeze(1)
        return [Audio(x.float().cpu(), self.sample_rate) for x in batch]
