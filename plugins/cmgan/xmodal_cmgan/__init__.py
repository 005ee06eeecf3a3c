"""xmodal-cmgan: instrument sounds become pictures, pictures become sounds.

The method of Chen, Srivastava, Duan and Xu (2017), "Deep Cross-Modal
Audio-Visual Generation": a sound classifier on 128 x 44 log-mel spectrograms
and an image classifier give 128-D encodings; conditional GANs trained with
the GAN-CLS loss (real, wrong and fake pairs) turn one modality's encoding
into the other modality. The image classifier doubles as the evaluator
Gamma that judges generated pictures.

Registered here (nothing heavy is imported until a model, recipe or command is used):

- model ``cmgan`` (S2I-C, sound -> 64x64 RGB picture; bundled ``weights/cmgan``),
- model ``cmgan-i2s`` (I2S, picture -> log-mel spectrogram -> Griffin-Lim audio;
  bundled ``weights/cmgan-i2s``),
- recipes ``cmgan`` and ``cmgan-i2s`` (``xmodal train cmgan --preset cpu-small``),
- commands ``xmodal cmgan ...`` (``commands.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import engine

if TYPE_CHECKING:
    import click

    from engine.plugin import RegisterModel, RegisterRecipe

__all__ = ["GAMMA", "SOUND_CLASSIFIER", "WEIGHTS"]

__xmodal_api__ = ">=1,<2"

_HERE = Path(__file__).parent / "weights"
#: Bundled pretrained folders, by catalogue name.
WEIGHTS = {"cmgan": _HERE / "cmgan", "cmgan-i2s": _HERE / "cmgan-i2s"}
#: The frozen sound classifier (4 conv + 3 FC on log-mel windows): the S2I encoder and the
#: judge of generated spectrograms.
SOUND_CLASSIFIER = _HERE / "sound-classifier"
#: The frozen image classifier Gamma (6 conv + 3 FC): the I2S encoder and the judge of
#: generated pictures.
GAMMA = _HERE / "gamma"

_PIPELINES = {"cmgan": "xmodal_cmgan.pipeline:CmganPipeline",
              "cmgan-i2s": "xmodal_cmgan.i2s_pipeline:I2SPipeline"}
_RECIPES = {"cmgan": "xmodal_cmgan.recipe:CmganRecipe",
            "cmgan-i2s": "xmodal_cmgan.i2s_recipe:I2SRecipe"}


@engine.hookimpl
def register_models(register: RegisterModel) -> None:
    # Task and description come from the engine's catalogue (registry.toml).
    for name, pipeline in _PIPELINES.items():
        register(name, pipeline=pipeline, weights=WEIGHTS[name])


@engine.hookimpl
def register_recipes(register: RegisterRecipe) -> None:
    for name, recipe in _RECIPES.items():
        register(name, recipe)


@engine.hookimpl
def register_commands(cli: click.Group) -> None:
    from .commands import cmgan_group

    cli.add_command(cmgan_group)
