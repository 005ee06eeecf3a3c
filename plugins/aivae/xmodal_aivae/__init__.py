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
from typing import Any

import engine

__all__ = ["WEIGHTS"]

__xmodal_api__ = ">=1,<2"

#: Bundled pretrained folders, by catalogue name.
WEIGHTS = {
    "aivae": Path(__file__).parent / "weights" / "aivae",
    "aivae-1to1": Path(__file__).parent / "weights" / "aivae-1to1",
}

_DESCRIPTIONS = {
    "aivae": "A spoken digit becomes a handwritten MNIST digit (AIVAE, many-to-one MNIST/FSDD pairing).",
    "aivae-1to1": "AIVAE trained on the one-to-one pairing (FSDD plus synthesised speakers).",
}


@engine.hookimpl
def register_models(register: Any) -> None:
    for name, folder in WEIGHTS.items():
        register(name, pipeline="xmodal_aivae.pipeline:AivaePipeline", weights=folder,
                 task="audio -> image", description=_DESCRIPTIONS[name])


@engine.hookimpl
def register_recipes(register: Any) -> None:
    register("aivae", "xmodal_aivae.recipe:AivaeRecipe")
    register("aivaegan", "xmodal_aivae.recipe:AivaeGanRecipe")


@engine.hookimpl
def register_commands(cli: Any) -> None:
    from .commands import aivae_group

    cli.add_command(aivae_group)
