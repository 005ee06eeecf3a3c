"""xmodal-voice2face: a voice -> a face (Wen, Singh & Raj, NeurIPS 2019).

Reproduces *Face Reconstruction from Voice using Generative Adversarial
Networks* on the engine: a frozen pretrained voice encoder, a generator from
the voice embedding to a 64x64 face, and a discriminator and identity
classifier that share one conv trunk. The model ``voice2face`` ships as a
bundled checkpoint; the recipe ``voice2face`` trains it (``xmodal train``),
``xmodal eval voice2face`` reports the paper's identification, gender and 1:2
matching figures, and ``xmodal voice2face train-encoder`` trains the paper's
own 1-D CNN voice encoder. Nothing heavy is imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import engine

if TYPE_CHECKING:
    import click

    from engine.plugin import RegisterModel, RegisterRecipe

__all__ = ["WEIGHTS"]

__xmodal_api__ = ">=1,<2"

#: Bundled pretrained folders, by catalogue name.
WEIGHTS = {"voice2face": Path(__file__).parent / "weights" / "voice2face"}


@engine.hookimpl
def register_models(register: RegisterModel) -> None:
    # The catalogue (registry.toml) supplies the task and description.
    for name, folder in WEIGHTS.items():
        register(name, pipeline="xmodal_voice2face.pipeline:Voice2FacePipeline", weights=folder)


@engine.hookimpl
def register_recipes(register: RegisterRecipe) -> None:
    register("voice2face", "xmodal_voice2face.recipe:Voice2FaceRecipe")


@engine.hookimpl
def register_commands(cli: click.Group) -> None:
    from .commands import voice2face_group

    cli.add_command(voice2face_group)
