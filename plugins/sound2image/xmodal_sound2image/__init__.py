"""xmodal-sound2image: a sound -> a picture of what makes it (ICLR 2019 submission, anonymous).

Reproduces *Generating Images from Sounds Using Multimodal Features and GANs*
on the engine: frozen sound and image CNNs (trained here: no SoundNet or VGG
weights exist offline), multimodal layers trained on image-only, sound-only and
both inputs, GAN1 (the pre-activation multimodal sound feature -> an image
feature, pix2pix on the feature as a 2-D map) and GAN2 (image feature -> image,
pix2pix). The model ``sound2image`` ships as a bundled checkpoint; the recipe
``sound2image`` trains every stage (``xmodal train``), ``xmodal eval
sound2image`` reports the paper's nearest-neighbour match and the top-k overlaps
under an independent classifier, and ``xmodal sound2image ...`` holds the tools.
Nothing heavy is imported here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import engine

if TYPE_CHECKING:
    import click

    from engine.plugin import RegisterModel, RegisterRecipe

__all__ = ["JUDGE", "WEIGHTS"]

__xmodal_api__ = ">=1,<2"

#: Bundled pretrained folders, by catalogue name.
WEIGHTS = {"sound2image": Path(__file__).parent / "weights" / "sound2image"}
#: The independent evaluation classifier (another architecture and seed, real images only).
JUDGE = Path(__file__).parent / "weights" / "judge"


@engine.hookimpl
def register_models(register: RegisterModel) -> None:
    # The catalogue (registry.toml) supplies the task and description.
    for name, folder in WEIGHTS.items():
        register(name, pipeline="xmodal_sound2image.pipeline:Sound2ImagePipeline", weights=folder)


@engine.hookimpl
def register_recipes(register: RegisterRecipe) -> None:
    register("sound2image", "xmodal_sound2image.recipe:Sound2ImageRecipe")


@engine.hookimpl
def register_commands(cli: click.Group) -> None:
    from .commands import sound2image_group

    cli.add_command(sound2image_group)
