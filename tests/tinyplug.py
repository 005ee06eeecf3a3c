"""A tiny two-model plugin used by the engine's own tests.

``tiny-a2i`` turns audio into an 8x8 grey image and ``tiny-i2a`` turns an image
into 256 audio samples; both are a single linear layer, so tests can build,
save, load and translate them in milliseconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
import torch
from pydantic import BaseModel
from torch import nn

import engine
from engine import Pipeline, PipelineConfig, Translator
from engine.decoders import ImageDecoder, WaveformDecoder
from engine.encoders import AudioWaveform, ImagePixels

__xmodal_api__ = ">=1,<2"


class TinyArch(BaseModel):
    samples: int = 800
    side: int = 8


class Linear(Translator):
    def __init__(self, n_in: int, n_out: int, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.fc = nn.Linear(n_in, n_out)
        self.shape = shape

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        out = self.fc(features.flatten(1))
        gain = condition.get("gain")
        if gain is not None:
            out = out * float(gain)
        return out.view(-1, *self.shape)


class TinyAudioToImage(Pipeline):
    model_type: ClassVar[str] = "tiny-a2i"
    Architecture = TinyArch
    options: ClassVar[dict[str, type]] = {"gain": float}

    @classmethod
    def build(cls, config: PipelineConfig) -> TinyAudioToImage:
        a = cls.architecture(config)
        return cls(
            config,
            AudioWaveform(8000, a.samples),
            Linear(a.samples, a.side * a.side, (1, a.side, a.side)),
            ImageDecoder("sigmoid"),
        )


class TinyImageToAudio(Pipeline):
    model_type: ClassVar[str] = "tiny-i2a"
    Architecture = TinyArch

    @classmethod
    def build(cls, config: PipelineConfig) -> TinyImageToAudio:
        a = cls.architecture(config)
        return cls(
            config,
            ImagePixels(a.side, mode="L"),
            Linear(a.side * a.side, 256, (1, 256)),
            WaveformDecoder(8000),
        )


def make_weights(root: Path) -> dict[str, Path]:
    """Save both tiny models (seeded) under ``root``; returns name -> folder."""
    torch.manual_seed(0)
    out = {}
    for cls, name in ((TinyAudioToImage, "tiny-a2i"), (TinyImageToAudio, "tiny-i2a")):
        model = cls.build(cls.make_config(name, plugin="tinyplug"))
        out[name] = model.save_pretrained(root / name, metrics={"score": 0.5})
    return out


@engine.hookimpl
def register_models(register: Any) -> None:
    root = Path(os.environ.get("TINYPLUG_WEIGHTS", "/nonexistent"))
    register("tiny-a2i", pipeline=TinyAudioToImage, weights=root / "tiny-a2i",
             task="audio -> image", description="test model")
    register("tiny-i2a", pipeline=TinyImageToAudio, weights=root / "tiny-i2a",
             task="image -> audio", description="test model")


@pytest.fixture(scope="module")
def tiny_weights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both tiny models saved once per test module, with this plugin registered to load them."""
    from engine.plugins import get_manager

    manager = get_manager()
    if "tinyplug" not in manager.infos():
        manager.register_module(sys.modules[__name__], name="tinyplug")
    return make_weights(tmp_path_factory.mktemp("weights"))
