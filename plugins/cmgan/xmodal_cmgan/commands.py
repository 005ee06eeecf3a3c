"""``xmodal cmgan ...``: the plugin's tools, with the CLI's one-line error contract.

    xmodal cmgan train-classifiers [--sound/--no-sound] [--gamma/--no-gamma]
                                               retrain the frozen sound classifier and Gamma
    xmodal cmgan pictures MODEL --out DIR [--run RUN]
                                               generated pictures per instrument beside real
                                               drawings, and the accuracy-per-epoch curve
    xmodal cmgan bundle RUN                    make RUN's export the bundled ``cmgan``
    xmodal cmgan card                          render the bundled model card again

The I2S helper's subcommands are added by ``xmodal_cmgan.i2s_commands.register(group)``
when that module exists. MODEL is anything ``engine.load`` accepts. A user error is one
line on stderr and exit status 2, as for the engine's own commands.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path

import click

__all__ = ["cmgan_group"]


@click.group("cmgan")
def cmgan_group() -> None:
    """Sound <-> picture of an instrument: classifiers, pictures, bundling (xmodal-cmgan)."""


@cmgan_group.command("train-classifiers")
@click.option("--sound/--no-sound", default=True, show_default=True,
              help="Retrain the sound classifier (weights/sound-classifier).")
@click.option("--gamma/--no-gamma", default=True, show_default=True,
              help="Retrain the image classifier Gamma (weights/gamma).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Write both into this folder instead of the bundled ones.")
@click.option("--epochs", type=int, default=None, help="Override the default epochs of both.")
@click.option("--tiny", is_flag=True, help="The tiny data variants (smoke test).")
def train_classifiers_cmd(sound: bool, gamma: bool, out: Path | None, epochs: int | None,
                          tiny: bool) -> None:
    """Train the paper's sound classifier (LMS, 4 conv + 3 FC) and image classifier Gamma."""
    from . import GAMMA, SOUND_CLASSIFIER
    from .encoders import train_image_classifier, train_sound_classifier

    report: dict[str, object] = {}
    if sound:
        folder = out if out is not None else SOUND_CLASSIFIER
        report["sound"] = train_sound_classifier(folder, epochs=epochs, tiny=tiny)
    if gamma:
        folder = out if out is not None else GAMMA
        report["gamma"] = train_image_classifier(folder, epochs=epochs, tiny=tiny)
    click.echo(json.dumps(report, indent=2))


def _add_i2s_commands(group: click.Group) -> None:
    """The I2S subcommands live in their own module (written separately); add them if present."""
    if importlib.util.find_spec("xmodal_cmgan.i2s_commands") is None:
        return
    module = importlib.import_module("xmodal_cmgan.i2s_commands")
    module.register(group)


_add_i2s_commands(cmgan_group)
