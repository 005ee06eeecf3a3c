"""The sound2image pipeline: a sound -> sound CNN -> multimodal (pre-activation) -> GAN1 -> GAN2 -> a picture.

Any WAV works (mono or stereo, any sample rate, any length the engine
accepts): it is mixed to mono, resampled to 22.05 kHz and reduced to its
loudest second; a silent clip is one :class:`~engine.MediaError` line (exit 2
on the command line). Inference has no noise and no dropout: one clip always
gives the same picture.

The translator also carries the frozen image CNN the multimodal layers were
trained with. It takes no part in ``translate``; it is kept so that ``xmodal
eval`` can measure the paper's nearest-neighbour match between image and sound
features.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self

import torch
from pydantic import BaseModel, ConfigDict, Field, model_validator
from torch import nn

from engine import Audio, Encoder, Pipeline, PipelineConfig, Translator
from engine.assemble import assemble_pipeline
from engine.decoders import ImageDecoder
from engine.interfaces import MediaKind

from .audio import CLIP_SAMPLES, SAMPLE_RATE, LogMel, check_sound, loudest_second
from .multimodal import Multimodal
from .networks import ImageCNN, SoundCNN
from .pix2pix import UNet, feature_to_map, map_to_feature

__all__ = [
    "PLUGIN",
    "FeatureScales",
    "Sound2ImageArchitecture",
    "Sound2ImageNet",
    "Sound2ImagePipeline",
    "SoundEncoder",
]

PLUGIN = "sound2image"


class Sound2ImageArchitecture(BaseModel):
    """What ``config.json`` records (defaults: the bundled ``cpu-small`` model)."""

    model_config = ConfigDict(extra="forbid")

    classes: int = Field(default=51, ge=2, description="classes of the feature nets and multimodal output")
    sound_width: int = Field(default=16, ge=1, description="sound CNN width (feature: 16 x width values)")
    image_width: int = Field(default=16, ge=1, description="image CNN width")
    feature_dim: int = Field(default=1024, ge=4, description="image fc6 and multimodal hidden size (a "
                             "square; the paper's VGG fc6: 4096)")
    image_size: int = Field(default=64, ge=8, description="picture side (the paper's 128)")
    g_width: int = Field(default=16, ge=1, description="U-Net width of both GANs (pix2pix: 64)")
    g_max_mult: int = Field(default=4, ge=1, description="U-Net channel cap, in widths (pix2pix: 8)")
    g2_width: int | None = Field(default=None, ge=1, description="GAN2's U-Net width (None: g_width)")
    g2_max_mult: int | None = Field(default=None, ge=1, description="GAN2's channel cap (None: g_max_mult)")

    @model_validator(mode="after")
    def _square(self) -> Self:
        side = math.isqrt(self.feature_dim)
        size = self.image_size
        if side * side != self.feature_dim or size % side or size & (size - 1):
            raise ValueError("feature_dim must be a square whose side divides image_size (a power of two)")
        return self

    @property
    def sound_dim(self) -> int:
        return 16 * self.sound_width

    @property
    def gan2_size(self) -> tuple[int, int]:
        """GAN2's (width, channel cap in widths): it decodes a picture, GAN1 only a feature map."""
        return (self.g2_width or self.g_width, self.g2_max_mult or self.g_max_mult)


class FeatureScales(nn.Module):
    """Fixed scales measured on the training features (buffers, saved with the weights).

    ``image``: 99th percentile of fc6 values (multimodal input f/s; GAN target 2 clamp(f/s, 0, 1) - 1);
    ``sound``: the same for the sound feature; ``pre``: the std of the multimodal sound
    pre-activation (GAN1's input is divided by it).
    """

    def __init__(self) -> None:
        super().__init__()
        for name in ("image", "sound", "pre"):
            self.register_buffer(name, torch.ones(()))

    image: torch.Tensor
    sound: torch.Tensor
    pre: torch.Tensor

    def image_target(self, fc6: torch.Tensor) -> torch.Tensor:
        """fc6 features -> the GANs' feature space, [-1, 1]."""
        return 2.0 * (fc6 / self.image).clamp(0.0, 1.0) - 1.0


class SoundEncoder(Encoder):
    """A clip -> its loudest second at 22.05 kHz -> log-mel -> the frozen sound CNN's feature."""

    input_kind: ClassVar[MediaKind] = "audio"

    def __init__(self, arch: Sound2ImageArchitecture) -> None:
        super().__init__()
        self.sample_rate = SAMPLE_RATE  # a bare array is taken to be at this rate
        self.logmel = LogMel()
        self.sound_cnn = SoundCNN(arch.classes, arch.sound_width)

    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        audio = media if isinstance(media, Audio) else Audio.load(media)
        wave = audio.to_mono().resample(SAMPLE_RATE).data[0]
        check_sound(wave)
        return loudest_second(wave.float(), CLIP_SAMPLES)

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return self.sound_cnn.features(self.logmel(batch))


class Sound2ImageNet(Translator):
    """Multimodal layers, GAN1's and GAN2's generators, and the image CNN (for evaluation only)."""

    def __init__(self, arch: Sound2ImageArchitecture) -> None:
        super().__init__()
        self.arch = arch
        self.image_cnn = ImageCNN(arch.classes, arch.image_width, arch.feature_dim)
        self.mm = Multimodal(arch.feature_dim, arch.sound_dim, arch.feature_dim, arch.classes)
        self.scales = FeatureScales()
        self.gan1 = UNet(1, 1, arch.image_size, arch.g_width, arch.g_max_mult)
        self.gan2 = UNet(1, 3, arch.image_size, *arch.gan2_size)

    def sound_pre(self, sound_feature: torch.Tensor) -> torch.Tensor:
        """The multimodal sound feature before the activation (what GAN1 reads)."""
        return self.mm.pre(sound=sound_feature / self.scales.sound)

    def image_pre(self, fc6: torch.Tensor) -> torch.Tensor:
        return self.mm.pre(image=fc6 / self.scales.image)

    def gan1_input(self, pre: torch.Tensor) -> torch.Tensor:
        return feature_to_map(pre / self.scales.pre, self.arch.image_size)

    def feature_from_sound(self, sound_feature: torch.Tensor) -> torch.Tensor:
        """GAN1: the sound's multimodal feature -> an image feature in [-1, 1] (the GANs' space)."""
        out = self.gan1(self.gan1_input(self.sound_pre(sound_feature)))
        return map_to_feature(out, self.arch.feature_dim)

    def image_from_feature(self, feature: torch.Tensor) -> torch.Tensor:
        """GAN2: an image feature in [-1, 1] -> an RGB picture in [-1, 1]."""
        return self.gan2(feature_to_map(feature, self.arch.image_size))

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        return self.image_from_feature(self.feature_from_sound(features))


class Sound2ImagePipeline(Pipeline):
    model_type: ClassVar[str] = "sound2image"
    Architecture = Sound2ImageArchitecture

    encoder: SoundEncoder
    translator: Sound2ImageNet

    @classmethod
    def build(cls, config: PipelineConfig) -> Self:
        arch: Sound2ImageArchitecture = cls.architecture(config)
        return cls(config, SoundEncoder(arch), Sound2ImageNet(arch), ImageDecoder("tanh"))

    @classmethod
    def make(cls, arch: Sound2ImageArchitecture, name: str = "sound2image",
             encoder: SoundEncoder | None = None, net: Sound2ImageNet | None = None) -> Self:
        """A pipeline with the config a saved one needs (around the trained parts if given)."""
        trained: dict[str, nn.Module] = {}
        if encoder is not None:
            trained["encoder"] = encoder
        if net is not None:
            trained["translator"] = net
        return assemble_pipeline(
            cls, name, PLUGIN, architecture=arch, trained=trained or None,
            preprocessing={"sample_rate": SAMPLE_RATE,
                           "input": "any WAV, mixed to mono, 22.05 kHz, its loudest 1.0 s",
                           "output": f"RGB {arch.image_size}x{arch.image_size} picture in [0, 1]"})

    @torch.no_grad()
    def pictures_from_waves(self, waves: torch.Tensor, batch: int = 128) -> torch.Tensor:
        """Pictures ``[B, 3, S, S]`` in [-1, 1] from 1 s waveforms ``[B, T]`` at 22.05 kHz."""
        self.eval()
        out = []
        for i in range(0, len(waves), batch):
            out.append(self.translator(self.encoder(waves[i:i + batch])))
        return torch.cat(out)

    @classmethod
    def demo_inputs(cls) -> list[tuple[str, Audio]]:
        """One held-out test clip of each group (an instrument, a spoken digit, an animal)."""
        from .data import demo_clips

        return [(f"{name.replace(' ', '-')}-sound", Audio(wave[None], SAMPLE_RATE))
                for name, wave in demo_clips()]
