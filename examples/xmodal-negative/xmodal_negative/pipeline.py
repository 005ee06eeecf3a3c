"""The negative pipeline: pixels -> a learned 1x1 convolution -> pixels."""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from pydantic import BaseModel
from torch import nn

from engine import Pipeline, PipelineConfig, Translator
from engine.decoders import ImageDecoder
from engine.encoders import ImagePixels

__all__ = ["NegativeArchitecture", "NegativePipeline", "PixelAffine"]


class NegativeArchitecture(BaseModel):
    """Hyper-parameters saved in config.json."""

    size: int = 64
    channels: int = 3


class PixelAffine(Translator):
    """A 1x1 convolution: each output pixel is an affine map of the input pixel."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, kernel_size=1)

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        return self.conv(features)


class NegativePipeline(Pipeline):
    model_type: ClassVar[str] = "negative"
    Architecture = NegativeArchitecture

    @classmethod
    def build(cls, config: PipelineConfig) -> NegativePipeline:
        arch = cls.architecture(config)
        mode = "RGB" if arch.channels == 3 else "L"
        return cls(
            config,
            ImagePixels(arch.size, mode=mode),
            PixelAffine(arch.channels),
            ImageDecoder(activation="none"),
        )
