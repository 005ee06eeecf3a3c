"""The aivae pipeline: audio -> mel picture -> VAE (mean latent) -> 28x28 grey digit."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from engine import Pipeline, PipelineConfig
from engine.assemble import assemble_pipeline
from engine.decoders import ImageDecoder

from .frontend import MelFrontEnd, MelSettings
from .networks import VaeTranslator

__all__ = ["PLUGIN", "AivaeArchitecture", "AivaePipeline", "Setting", "make_pipeline"]

PLUGIN = "aivae"

#: The paper's two data settings, plus the unseen-speaker experiment the paper did not run,
#: plus one-to-one with the ``voices`` data set and its three test-only settings
#: (heard voices, unheard voices, an unheard engine; see ``voicepairs.py``).
Setting = Literal["many-to-one", "one-to-one", "unseen-speakers", "voices-1to1", "voices-heard",
                  "voices-unheard", "voices-engine"]


class AivaeArchitecture(BaseModel):
    """Hyper-parameters in ``config.json``; the defaults are the bundled models'."""

    model_config = ConfigDict(extra="forbid")

    latent_dim: int = Field(default=64, ge=1, description="the paper's latent size")
    width: int = Field(default=32, ge=1, description="channels of the first conv layer")
    dropout: float = Field(default=0.0, ge=0.0, lt=1.0, description="before the encoder's last layer")
    frontend: MelSettings = Field(default_factory=MelSettings)
    #: The pairing the model was trained on; ``xmodal eval`` evaluates on the same one.
    setting: Setting = "many-to-one"
    #: Which of the paper's models produced the weights (the inference network is the same).
    variant: Literal["aivae", "aivaegan"] = "aivae"


class AivaePipeline(Pipeline):
    """Both AIVAE and AIVAEGAN export this pipeline: the discriminator is training-only."""

    model_type: ClassVar[str] = "aivae"
    Architecture = AivaeArchitecture

    @classmethod
    def build(cls, config: PipelineConfig) -> AivaePipeline:
        arch: AivaeArchitecture = cls.architecture(config)
        translator = VaeTranslator(arch.latent_dim, arch.width, arch.frontend.size, arch.dropout)
        return cls(config, MelFrontEnd(arch.frontend), translator, ImageDecoder("sigmoid"))


def make_pipeline(name: str, architecture: AivaeArchitecture,
                  translator: VaeTranslator | None = None) -> AivaePipeline:
    """A pipeline called ``name``; with ``translator`` it shares that (trained) module."""
    settings = architecture.frontend
    return assemble_pipeline(
        AivaePipeline, name, PLUGIN, architecture=architecture,
        trained={"translator": translator} if translator is not None else None,
        preprocessing={"sample_rate": settings.sample_rate, "input": f"mel {settings.size}x{settings.size}",
                       "output": "grey image 28x28"},
    )
