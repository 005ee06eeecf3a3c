"""Ready-made encoders that hand raw pixels or samples to the translator.

Most papers put a trained network right after these; the fixed-size
preparation (resize, mode, resample, mono, trim/pad) is the part every plugin
would otherwise write again.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch

from .interfaces import Encoder, MediaKind
from .media import Audio, Image

__all__ = ["AudioWaveform", "ImagePixels"]


class ImagePixels(Encoder):
    """Images resized to ``size`` (H, W) in mode ``"L"`` or ``"RGB"``, as ``[C, H, W]`` in [0, 1]."""

    input_kind: ClassVar[MediaKind] = "image"

    def __init__(self, size: tuple[int, int] | int, mode: str = "RGB") -> None:
        super().__init__()
        self.size: tuple[int, int] = (size, size) if isinstance(size, int) else (size[0], size[1])
        self.mode = mode

    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        image = media if isinstance(media, Image) else Image.load(media)
        return image.to_mode(self.mode).resize(self.size).data

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return batch


class AudioWaveform(Encoder):
    """Clips mixed to mono, resampled to ``sample_rate`` and trimmed/padded to ``num_samples``."""

    input_kind: ClassVar[MediaKind] = "audio"

    def __init__(self, sample_rate: int, num_samples: int) -> None:
        super().__init__()
        self.sample_rate = int(sample_rate)
        self.num_samples = int(num_samples)

    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        audio = media if isinstance(media, Audio) else Audio.load(media)
        return audio.to_mono().resample(self.sample_rate).fit(self.num_samples).data[0]

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return batch
