"""The voice2face pipeline: speech -> frozen speaker embedding -> F_g -> a 64x64 face.

Any WAV works (mono or stereo, any sample rate, any length the engine
accepts); it is mixed to mono and resampled to 16 kHz, and a clip with no
voice (empty, silent, noise only) is one :class:`~engine.MediaError` line
(exit 2 on the command line). Inference has no noise: one clip always gives
the same face.

The translator also carries the GAN's face critic (F_d and F_c on their
shared trunk). It takes no part in ``translate``; it is kept so that
``xmodal eval`` can report the paper's identification by F_c.

Generated faces are tight 64x64 crops like Olivetti's, which the pipeline
declares (``produces``) so that ``voice2face+face2nsynth`` aligns them without
a face detector.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Self

import torch
from pydantic import BaseModel, ConfigDict, Field

from engine import Audio, Pipeline, PipelineConfig, Translator
from engine.assemble import assemble_pipeline
from engine.decoders import ImageDecoder

from .networks import FaceCritic, Generator
from .speech import SAMPLE_RATE
from .voiceenc import ENCODER_DIMS, EncoderName, VoiceEncoder

__all__ = ["PLUGIN", "REFERENCES", "Voice2FaceArchitecture", "Voice2FaceNet", "Voice2FacePipeline"]

PLUGIN = "voice2face"
REFERENCES = {
    "resemblyzer": "PyPI resemblyzer (pretrained GE2E speaker encoder, 256-D; its own weights)",
}
#: The test identity whose synthesised voice the demo uses (a woman never heard in training).
DEMO_FACE = "s8"


class Voice2FaceArchitecture(BaseModel):
    """What ``config.json`` records (defaults: the first cpu-small bundle; every config.json sets all)."""

    model_config = ConfigDict(extra="forbid")

    encoder: EncoderName = Field(default="resemblyzer", description="the frozen voice encoder F_e")
    g_width: int = Field(default=16, ge=1, description="generator width w: 16w ... w channels (paper 64)")
    d_width: int = Field(default=8, ge=1, description="trunk width w': w' ... 16w' channels (paper 32)")
    channels: int = Field(default=1, ge=1, description="face channels (the paper's RGB: 3; Olivetti is grey)")
    dcgan: bool = Field(default=True, description="batch norm and tanh in F_g (DCGAN); False: official")
    resize: bool = Field(default=False, description="F_g upsamples + 3x3 conv instead of stride-2 deconv")
    classes: int = Field(default=30, ge=1, description="identities of the classifier F_c (train faces)")


class Voice2FaceNet(Translator):
    """F_g, plus the critic (F_d, F_c) it was trained against, which inference ignores."""

    def __init__(self, arch: Voice2FaceArchitecture) -> None:
        super().__init__()
        self.generator = Generator(ENCODER_DIMS[arch.encoder], arch.g_width, arch.channels,
                                   arch.dcgan, arch.resize)
        self.critic = FaceCritic(arch.classes, arch.d_width, arch.channels)

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        return self.generator(features)


class Voice2FacePipeline(Pipeline):
    model_type: ClassVar[str] = "voice2face"
    Architecture = Voice2FaceArchitecture
    #: Generated faces are tight crops: a chained face model should not run a detector.
    produces: ClassVar[dict[str, Any]] = {"crop": "tight"}

    encoder: VoiceEncoder
    translator: Voice2FaceNet

    @classmethod
    def build(cls, config: PipelineConfig) -> Self:
        arch: Voice2FaceArchitecture = cls.architecture(config)
        return cls(config, VoiceEncoder(arch.encoder), Voice2FaceNet(arch), ImageDecoder("tanh"))

    @classmethod
    def make(cls, arch: Voice2FaceArchitecture, name: str = "voice2face",
             net: Voice2FaceNet | None = None) -> Self:
        """A pipeline with the config a saved one needs (around the trained ``net`` if given)."""
        refs = dict(REFERENCES) if arch.encoder == "resemblyzer" else {}
        return assemble_pipeline(
            cls, name, PLUGIN, architecture=arch,
            trained={"translator": net} if net is not None else None,
            preprocessing={"sample_rate": SAMPLE_RATE, "input": "any WAV, mixed to mono, 16 kHz",
                           "output": f"{arch.channels}x64x64 face in [0, 1]"},
            references=refs,
        )

    def faces(self, embeddings: torch.Tensor) -> torch.Tensor:
        """Faces ``[B, C, 64, 64]`` in [-1, 1] from voice embeddings (already computed)."""
        return self.translator(embeddings.to(next(self.translator.parameters()).device))

    @classmethod
    def demo_inputs(cls) -> list[tuple[str, Audio]]:
        """A sentence said by the voice of a test identity (never heard in training), synthesised here."""
        from engine.data.voices import SENTENCES

        from .assignment import load_assignment
        from .speech import synthesise

        face = next(f for f in load_assignment().faces if f.face == DEMO_FACE)
        voice = face.voices[0]
        text = SENTENCES["other"][4] + " " + SENTENCES["other"][0]
        wave = synthesise(voice, text)
        name = f"{Path(voice).name}-says-numbers"
        return [(name, Audio(torch.from_numpy(wave)[None], SAMPLE_RATE))]
