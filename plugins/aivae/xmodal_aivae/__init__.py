"""xmodal-aivae: spoken digits -> handwritten MNIST digits (AIVAE and AIVAEGAN).

Reproduces *Audio-to-Image Cross-Modal Generation* (Żelaszczyk & Mańdziuk,
2021) on the engine: the models ``aivae`` (many-to-one pairing, the default)
and ``aivae-1to1`` (one-to-one pairing) ship as bundled checkpoints; the
recipes ``aivae`` and ``aivaegan`` train them (``xmodal train``), and
``xmodal eval`` reports the paper's LeNet-5 accuracy. Nothing heavy is
imported here: torch and the networks load when a model or recipe is used.
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
WEIGHTS = {
    "aivae": Path(__file__).parent / "weights" / "aivae",
    "aivae-1to1": Path(__file__).parent / "weights" / "aivae-1to1",
}


@engine.hookimpl
def register_models(register: RegisterModel) -> None:
    # Both models are in the engine's catalogue (registry.toml), which supplies
    # their task and description: the one place `xmodal list` also reads.
    for name, folder in WEIGHTS.items():
        register(name, pipeline="xmodal_aivae.pipeline:AivaePipeline", weights=folder)


@engine.hookimpl
def register_recipes(register: RegisterRecipe) -> None:
    register("aivae", "xmodal_aivae.recipe:AivaeRecipe")
    register("aivaegan", "xmodal_aivae.recipe:AivaeGanRecipe")


@engine.hookimpl
def register_commands(cli: click.Group) -> None:
    from .commands import aivae_group

    cli.add_command(aivae_group)
