"""xmodal-face2nsynth: faces become musical notes; similar faces sound similar.

The method of Kim, Port and Patel (2020), "Face-to-Music Translation Using a
Distance-Preserving Generative Adversarial Network with an Auxiliary
Discriminator": a frozen dlib face embedding drives a WaveGAN-style generator
with pitch-conditional batch norm; a distance-preservation loss ties pairwise
face distances to distances in an audio metric space (a triplet-trained family
embedding beside MFCCs), and an auxiliary discriminator on that space keeps the
notes diverse.

Registered here (nothing heavy is imported until a model, recipe or dataset is used):

- model ``face2nsynth`` (bundled ``cpu-small`` weights in ``weights/face2nsynth``),
- recipe ``face2nsynth`` (``xmodal train face2nsynth --preset cpu-small``),
- dataset ``olivetti-dlib`` (the face embeddings the recipe trains on),
- commands ``xmodal face2nsynth pictures|export|audio-nets|fit-notes`` (``commands.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import engine

if TYPE_CHECKING:
    import click

    from engine.plugin import RegisterDataset, RegisterModel, RegisterRecipe

__all__ = ["AUDIO_NETS", "WEIGHTS"]

__xmodal_api__ = ">=1,<2"

#: The bundled pretrained folder of the main model.
WEIGHTS = Path(__file__).parent / "weights" / "face2nsynth"
#: The bundled frozen audio networks (phi's triplet embedding, pitch and family classifiers).
AUDIO_NETS = Path(__file__).parent / "weights" / "audio-nets"


@engine.hookimpl
def register_models(register: RegisterModel) -> None:
    # Task and description come from the engine's catalogue (registry.toml).
    register("face2nsynth", pipeline="xmodal_face2nsynth.pipeline:Face2NSynthPipeline",
             weights=WEIGHTS)


@engine.hookimpl
def register_recipes(register: RegisterRecipe) -> None:
    register("face2nsynth", "xmodal_face2nsynth.recipe:Face2NSynthRecipe")


@engine.hookimpl
def register_datasets(register: RegisterDataset) -> None:
    from .facedata import OlivettiDlibBuilder

    register(OlivettiDlibBuilder())


@engine.hookimpl
def register_commands(cli: click.Group) -> None:
    from .commands import face2nsynth_group

    cli.add_command(face2nsynth_group)
