"""The face2nsynth pipeline: face image -> dlib embedding -> generator -> 16 kHz note.

Options of ``translate`` (and ``xmodal translate ... --NAME VALUE``):

- ``pitch``: MIDI note 24-84 for every input; without it each face gets a pitch
  drawn from the training notes' pitch distribution, seeded by the face, so a
  face always plays the same note;
- ``crop``: ``"detect"`` (default; photos: find the face, exit 2 when there is
  none) or ``"tight"`` (the image already is a tight face crop, like Olivetti).
"""

from __future__ import annotations

from typing import ClassVar, Literal, Self

import torch
from pydantic import BaseModel, Field

from engine import Audio, Image, Pipeline, PipelineConfig
from engine.assemble import assemble_pipeline
from engine.decoders import WaveformDecoder

from .audio import NUM_SAMPLES, SAMPLE_RATE
from .faces import EMBEDDING_DIM, REFERENCES, FaceEncoder
from .generator import NoteGenerator
from .harmonic import HarmonicGenerator

__all__ = ["Face2NSynthArchitecture", "Face2NSynthPipeline", "make_generator"]


def make_generator(kind: str, width: int, in_dim: int = EMBEDDING_DIM,
                   pitch_offsets: bool = False) -> NoteGenerator | HarmonicGenerator:
    """The translator network of one architecture: ``wavegan`` (the paper's) or ``harmonic``."""
    if kind == "harmonic":
        return HarmonicGenerator(width, in_dim, pitch_offsets=pitch_offsets)
    return NoteGenerator(width, in_dim)


class Face2NSynthArchitecture(BaseModel):
    """What ``config.json`` records about the network (defaults: the bundled ``cpu-small`` model)."""

    width: int = Field(8, ge=1, description="generator width d: channels 16d, 8d, 4d, 2d, d")
    #: Folders saved before the harmonic generator existed hold a WaveGAN, hence the default.
    generator: Literal["wavegan", "harmonic"] = "wavegan"
    embedding_dim: int = EMBEDDING_DIM
    #: harmonic only: a face-independent control offset per pitch (folders before it: none).
    pitch_offsets: bool = False
    face_crop: Literal["detect", "tight"] = "detect"


class Face2NSynthPipeline(Pipeline):
    model_type: ClassVar[str] = "face2nsynth"
    Architecture = Face2NSynthArchitecture

    encoder: FaceEncoder
    translator: NoteGenerator | HarmonicGenerator

    @classmethod
    def build(cls, config: PipelineConfig) -> Self:
        arch = cls.architecture(config)
        return cls(
            config,
            FaceEncoder(arch.face_crop),
            make_generator(arch.generator, arch.width, arch.embedding_dim, arch.pitch_offsets),
            WaveformDecoder(SAMPLE_RATE),
        )

    @classmethod
    def make(cls, width: int, name: str = "face2nsynth",
             generator: NoteGenerator | HarmonicGenerator | None = None,
             kind: str = "wavegan") -> Self:
        """A pipeline of ``width`` with the config a saved one needs (around ``generator`` if given)."""
        architecture: dict[str, object] = {"width": width, "generator": kind}
        if generator is not None:
            architecture["generator"] = "harmonic" if isinstance(generator, HarmonicGenerator) else "wavegan"
            if isinstance(generator, HarmonicGenerator) and generator.pitch_offset is not None:
                architecture["pitch_offsets"] = True
        return assemble_pipeline(
            cls, name, "face2nsynth", architecture=architecture,
            trained={"translator": generator} if generator is not None else None,
            preprocessing={"sample_rate": SAMPLE_RATE, "samples": NUM_SAMPLES,
                           "face_chip": "dlib 5-point alignment, 150x150"},
            references=dict(REFERENCES),
        )

    def notes(self, features: torch.Tensor, pitch: int | None = None,
              pitch_index: torch.Tensor | None = None) -> list[Image | Audio]:
        """Face embeddings (already computed) -> notes; used by evaluation."""
        waves = self.translator(features, pitch=pitch, pitch_index=pitch_index)
        return self.decoder.to_media(self.decoder(waves))
