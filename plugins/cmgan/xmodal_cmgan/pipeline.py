"""The S2I pipeline: a recording -> 0.5 s log-mel window -> 128-D sound encoding -> 64x64 picture.

Any audio the engine reads works (mono or stereo, any rate, any length up to
the engine's limit). It is mixed to mono and resampled to 44.1 kHz; a clip
shorter than 0.5 s is zero-padded to one window; from a longer clip the
*loudest* 0.5 s window (RMS, at the 0.1 s stride of the training windows) is
the one translated, so one picture answers one clip and the window is like
the training windows (a note being played, not a rest). A clip with no window
above -50 dBFS is refused as silent (one :class:`~engine.MediaError` line,
exit 2 on the command line).

The picture depends on the clip and on ``seed`` only (the generator's noise z
is drawn from ``seed``, default 0), so ``xmodal translate cmgan a.wav -o a.png
--seed 3`` always writes the same picture, alone or in a batch.

Variants share this pipeline: S2I-C and S2I-N read the sound classifier's
encoding, S2I-A the stacked autoencoder's (``architecture.encoder``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, Self

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field

from engine import Audio, MediaError, Pipeline, PipelineConfig, Translator
from engine.assemble import assemble_pipeline
from engine.decoders import ImageDecoder
from engine.interfaces import Encoder, MediaKind

from .autoencoder import StackedAutoencoder
from .encoders import ENCODING_DIM, SoundClassifier
from .features import LMS, clip_windows, log_mel
from .networks import PROJECTION_DIM, Z_DIM, S2IGenerator

__all__ = ["CmganArchitecture", "CmganPipeline", "S2ITranslator", "SoundEncoder", "loudest_window"]

PLUGIN = "cmgan"


class CmganArchitecture(BaseModel):
    """What ``config.json`` records (defaults: the bundled ``cpu-small`` S2I-C model)."""

    model_config = ConfigDict(extra="forbid")

    encoder: Literal["classifier", "autoencoder"] = Field(
        default="classifier", description="S2I-C/N: the sound classifier; S2I-A: the autoencoder")
    classes: int = Field(default=13, ge=2, description="instrument classes of the sound classifier")
    sound_width: int = Field(default=16, ge=1, description="sound classifier width (conv channels w..4w)")
    sound_hidden: int = Field(default=256, ge=1, description="sound classifier FC1 width")
    ae_channels: int = Field(default=8, ge=1, description="S2I-A autoencoder channels of stacks 1-3")
    g_width: int = Field(default=16, ge=1, description="generator width w: 8w ... w channels (GAN-CLS 64)")
    z_dim: int = Field(default=Z_DIM, ge=1, description="noise size |z| (GAN-CLS: 100)")
    proj_dim: int = Field(default=PROJECTION_DIM, ge=1, description="phi(A) size (paper: 64)")


def loudest_window(audio: Audio) -> np.ndarray:
    """The loudest non-silent 0.5 s window of a clip at 44.1 kHz mono (see the module doc)."""
    wave = audio.to_mono().resample(LMS.sample_rate).data[0].numpy()
    windows = clip_windows(wave)
    rms_db = 10 * np.log10(np.mean(windows.astype(np.float64) ** 2, axis=1) + 1e-20)
    if float(rms_db.max()) <= LMS.silence_db:
        raise MediaError(f"the clip is silent (no 0.5 s window above {LMS.silence_db:.0f} dBFS)")
    return windows[int(np.argmax(rms_db))]


class SoundEncoder(Encoder):
    """Audio -> the loudest window's 128 x 44 log-mel (``prepare``) -> 128-D encoding (``forward``)."""

    input_kind: ClassVar[MediaKind] = "audio"

    def __init__(self, arch: CmganArchitecture) -> None:
        super().__init__()
        self.sample_rate = LMS.sample_rate
        self.net: SoundClassifier | StackedAutoencoder = (
            SoundClassifier(arch.classes, arch.sound_width, *LMS.shape, hidden=arch.sound_hidden)
            if arch.encoder == "classifier" else StackedAutoencoder(arch.ae_channels, *LMS.shape))

    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        audio = media if isinstance(media, Audio) else Audio.load(media, sample_rate=self.sample_rate)
        return log_mel(loudest_window(audio)[None])[0]

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return self.net.encode(batch)


class S2ITranslator(Translator):
    """The GAN-CLS generator; ``seed`` picks the noise z (the same z for every item)."""

    options: ClassVar[dict[str, type]] = {"seed": int}

    def __init__(self, arch: CmganArchitecture) -> None:
        super().__init__()
        self.generator = S2IGenerator(ENCODING_DIM, arch.g_width, arch.z_dim, arch.proj_dim)

    def noise(self, n: int, seed: int, device: torch.device | str = "cpu") -> torch.Tensor:
        """``[n, z_dim]``: one z drawn from ``seed``, repeated (a picture depends on its input only)."""
        g = torch.Generator().manual_seed(int(seed))
        z = torch.randn(1, self.generator.z_dim, generator=g)
        return z.expand(n, -1).to(device)

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        seed = condition.get("seed")
        z = self.noise(len(features), 0 if seed is None else int(seed), features.device)
        out: torch.Tensor = self.generator(features, z.to(features.dtype))
        return out


class CmganPipeline(Pipeline):
    model_type: ClassVar[str] = "cmgan"
    Architecture = CmganArchitecture

    encoder: SoundEncoder
    translator: S2ITranslator

    @classmethod
    def build(cls, config: PipelineConfig) -> Self:
        arch: CmganArchitecture = cls.architecture(config)
        return cls(config, SoundEncoder(arch), S2ITranslator(arch), ImageDecoder("tanh"))

    @classmethod
    def make(cls, arch: CmganArchitecture, name: str = "cmgan",
             encoder_net: SoundClassifier | StackedAutoencoder | None = None,
             generator: S2IGenerator | None = None) -> Self:
        """A pipeline with the config a saved one needs, around trained parts when given."""
        trained: dict[str, torch.nn.Module] = {}
        if encoder_net is not None:
            encoder = SoundEncoder(arch)
            encoder.net = encoder_net
            trained["encoder"] = encoder
        if generator is not None:
            translator = S2ITranslator(arch)
            translator.generator = generator
            trained["translator"] = translator
        return assemble_pipeline(
            cls, name, PLUGIN, architecture=arch, trained=trained or None,
            preprocessing={"sample_rate": LMS.sample_rate, "window": "loudest 0.5 s window (0.1 s stride)",
                           "features": "log-mel 128 x 44: FFT 2048, hop 512, Slaney mel, log(power + 1e-6)",
                           "output": "3x64x64 picture in [0, 1]"})

    def pictures(self, encodings: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Pictures ``[B, 3, 64, 64]`` in [-1, 1] from encodings and noise (evaluation's path)."""
        out: torch.Tensor = self.translator.generator(encodings, z)
        return out

    @classmethod
    def demo_inputs(cls) -> list[tuple[str, Audio]]:
        """A cello and a flute phrase of the test split (never trained on), rendered by the data layer."""
        from engine import data

        ds = data.load("gm-phrases")
        view = ds.split("test")
        names = list(ds.classes["instrument"])
        instruments = np.asarray(view["instrument"])
        out: list[tuple[str, Audio]] = []
        for name in ("cello", "flute"):
            row = int(np.flatnonzero(instruments == names.index(name))[0])
            wave = np.asarray(view["audio"][row], dtype=np.float32) / 32768.0
            out.append((f"{name}-test-phrase", Audio(torch.from_numpy(wave[None].copy()),
                                                      int(ds.meta["sample_rate"]))))
        return out
