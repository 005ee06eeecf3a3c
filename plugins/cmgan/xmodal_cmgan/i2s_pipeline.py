"""The ``cmgan-i2s`` pipeline: picture -> Gamma's 128-D encoding -> 128 x 44 log-mel -> audio.

- encoder (:class:`GammaPictureEncoder`): the picture as 64 x 64 RGB in [-1, 1],
  encoded by a frozen copy of the core's image classifier Gamma (its 128-D
  FC2 layer); the copy travels in ``model.safetensors`` so the model is whole;
- translator (:class:`I2STranslator`): the I2S generator on that encoding and
  noise z drawn from ``seed`` (option ``seed``, default 0: one picture always
  gives one spectrogram), its 128 x 34 output interpolated back to 128 x 44;
- decoder (:class:`~xmodal_cmgan.i2s_voicing.LmsVoicingDecoder`): Griffin-Lim.

:meth:`I2SPipeline.spectrograms` stops before the decoder and returns the
log-mels themselves (``xmodal cmgan spectrogram`` writes them as ``.npy`` or
as a picture).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import torch
from pydantic import BaseModel, Field

from engine import Image, MediaError, Pipeline, PipelineConfig
from engine.assemble import assemble_pipeline
from engine.interfaces import Encoder, MediaKind, Translator

from .encoders import ImageClassifier
from .features import LMS
from .i2s_networks import I2SGenerator, to_lms_frames
from .i2s_voicing import GRIFFIN_LIM_ITERATIONS, LmsVoicingDecoder

__all__ = ["GammaPictureEncoder", "I2SArchitecture", "I2SPipeline", "I2STranslator", "noise"]


class I2SArchitecture(BaseModel):
    """What ``config.json`` records about the network (defaults: the bundled ``cpu-small`` model)."""

    width: int = Field(16, ge=1, description="channels of the generator's 32 x 32 map (paper: 128)")
    z_dim: int = Field(100, ge=1, description="noise size (GAN-CLS's 100; the paper gives none)")
    classes: int = Field(13, ge=2)
    gamma_width: int = Field(16, ge=1, description="Gamma's conv width (core ImageClassifier)")
    gamma_hidden: int = Field(256, ge=1, description="Gamma's FC1 size")
    griffin_lim_iterations: int = Field(GRIFFIN_LIM_ITERATIONS, ge=1)


#: Below this correlation of horizontally adjacent pixels a picture holds no shapes at all.
NOISE_CORRELATION = 0.2


def _check_not_noise(image: Image) -> None:
    """Refuse a picture of random pixels: it shows no instrument, so no sound can be said of it.

    Any drawing or photo has neighbouring pixels that mostly agree (correlation
    near 1); independent random pixels do not (near 0).
    """
    grey = image.to_mode("L").data[0].double()
    if grey.shape[1] < 2 or float(grey.std()) == 0.0:
        return
    left, right = grey[:, :-1].flatten(), grey[:, 1:].flatten()
    corr = float(torch.corrcoef(torch.stack([left, right]))[0, 1])
    if corr < NOISE_CORRELATION:
        raise MediaError("the picture looks like random noise (no shapes in it): cmgan-i2s "
                         "needs a picture of an instrument")


def noise(n: int, z_dim: int, seed: int) -> torch.Tensor:
    """``[n, z_dim]`` standard normal noise from ``seed``; row i does not depend on ``n``."""
    gen = torch.Generator().manual_seed(int(seed))
    return torch.randn(n, z_dim, generator=gen)


class GammaPictureEncoder(Encoder):
    """A picture -> Gamma's 128-D encoding (the frozen image classifier's FC2 output)."""

    input_kind: ClassVar[MediaKind] = "image"

    def __init__(self, gamma: ImageClassifier) -> None:
        super().__init__()
        self.gamma = gamma
        self.size = gamma.size
        for p in self.gamma.parameters():
            p.requires_grad_(False)

    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        image = media if isinstance(media, Image) else Image.load(media)
        _check_not_noise(image)
        return image.to_mode("RGB").resize((self.size, self.size)).data * 2.0 - 1.0

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        self.gamma.eval()
        out: torch.Tensor = self.gamma.encode(batch)
        return out


class I2STranslator(Translator):
    """Encoding ``[B, 128]`` -> normalised log-mel ``[B, 128, 44]`` (option ``seed``: z's seed)."""

    options: ClassVar[dict[str, type]] = {"seed": int}

    def __init__(self, generator: I2SGenerator) -> None:
        super().__init__()
        self.generator = generator

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        seed = condition.get("seed")
        # One z for the whole batch: a picture's spectrogram depends on (picture, seed) only,
        # never on which other pictures share its batch.
        z = noise(1, self.generator.z_dim, 0 if seed is None else int(seed))
        z = z.to(features.device, features.dtype).expand(len(features), -1)
        lms: torch.Tensor = to_lms_frames(self.generator(features, z)).squeeze(1)
        return lms


class I2SPipeline(Pipeline):
    model_type: ClassVar[str] = "cmgan-i2s"
    Architecture = I2SArchitecture
    batch_size = 16  # Griffin-Lim dominates: keep its batches small

    encoder: GammaPictureEncoder
    translator: I2STranslator
    decoder: LmsVoicingDecoder

    @classmethod
    def build(cls, config: PipelineConfig) -> Self:
        arch = cls.architecture(config)
        gamma = ImageClassifier(arch.classes, arch.gamma_width, hidden=arch.gamma_hidden)
        return cls(config, GammaPictureEncoder(gamma), I2STranslator(I2SGenerator(arch.width, arch.z_dim)),
                   LmsVoicingDecoder(arch.griffin_lim_iterations))

    @classmethod
    def make(cls, generator: I2SGenerator, gamma: ImageClassifier, mean: Any, std: Any,
             classes: list[str], name: str = "cmgan-i2s") -> Self:
        """The pipeline around a trained generator, a frozen Gamma and the LMS statistics."""
        # Gamma's FC1 reads its last conv block (4 x width channels) pooled to 4 x 4.
        arch = I2SArchitecture(width=generator.width, z_dim=generator.z_dim, classes=len(classes),
                               gamma_width=gamma.fc1.in_features // 64,
                               gamma_hidden=gamma.fc1.out_features,
                               griffin_lim_iterations=GRIFFIN_LIM_ITERATIONS)
        decoder = LmsVoicingDecoder(arch.griffin_lim_iterations)
        decoder.set_stats(mean, std)
        return assemble_pipeline(
            cls, name, "cmgan", architecture=arch,
            trained={"encoder": GammaPictureEncoder(gamma), "translator": I2STranslator(generator),
                     "decoder": decoder},
            preprocessing={"image_size": gamma.size, "image_range": "[-1, 1]",
                           "lms": {"sample_rate": LMS.sample_rate, "n_fft": LMS.n_fft,
                                   "hop_length": LMS.hop_length, "n_mels": LMS.n_mels,
                                   "frames": LMS.frames, "generated_frames": 34},
                           "classes": list(classes)},
        )

    #: Instruments whose test pictures the demo voices.
    DEMO_INSTRUMENTS: ClassVar[tuple[str, ...]] = ("violin", "trumpet", "tuba")

    @classmethod
    def demo_inputs(cls) -> list[tuple[str, Image]]:
        """One ``instruments-clipart`` test picture (a drawing no model trained on) per demo instrument."""
        from .images import clipart_pictures

        test = clipart_pictures("test")
        out: list[tuple[str, Image]] = []
        for name in cls.DEMO_INSTRUMENTS:
            if name not in test.classes:
                continue
            rows = np.flatnonzero(test.instrument == test.classes.index(name))
            if len(rows):
                picture = torch.from_numpy(np.ascontiguousarray(test.image[rows[0]])).permute(2, 0, 1)
                out.append((f"{name.replace(' ', '-')}-drawing", Image(picture.float() / 255.0)))
        return out

    @property
    def classes(self) -> list[str]:
        """The instrument names, in the order of Gamma's (and the judge's) classes."""
        return list(self.config.preprocessing.get("classes", []))

    def generate(self, pictures: torch.Tensor, seed: int = 0) -> torch.Tensor:
        """Pictures ``[B, 3, H, W]`` in [-1, 1] -> log-mels ``[B, 128, 44]`` in the features' units."""
        device = self.device
        features = self.encoder(pictures.to(device, self.dtype))
        return self.decoder.log_mel(self.translator(features, seed=seed))

    def spectrograms(self, inputs: list[Any], seed: int = 0) -> np.ndarray:
        """Pictures (anything ``translate`` takes) -> their log-mels ``[N, 128, 44]`` (float32).

        Bad inputs raise :class:`engine.MediaError` before anything is generated.
        """
        media = [self.encoder.load(item) for item in inputs]
        self.eval()
        with torch.inference_mode():
            batch = torch.stack([self.encoder.prepare(m) for m in media])
            return self.generate(batch, seed).float().cpu().numpy()
