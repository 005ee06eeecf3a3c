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
from typing import Any

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
        # Table 1's figure on the harder split: the same recipe without one soundfont.
        report["sound-sf"] = train_sound_classifier(folder, epochs=epochs, tiny=tiny, split="sf-train",
                                                    name="sound-classifier-sf")
    if gamma:
        folder = out if out is not None else GAMMA
        report["gamma"] = train_image_classifier(folder, epochs=epochs, tiny=tiny)
    click.echo(json.dumps(report, indent=2))


def _load(ref: str) -> Any:
    """An S2I model by reference (imports torch only here, so ``xmodal --help`` stays fast)."""
    import engine

    from .pipeline import CmganPipeline

    model = engine.load(ref)
    if not isinstance(model, CmganPipeline):
        raise engine.XmodalError(f"{ref} is a {model.config.model_type} model, not a cmgan S2I one")
    return model


def _runs(items: tuple[str, ...]) -> dict[str, Path]:
    from engine.errors import XmodalError

    runs: dict[str, Path] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise XmodalError(f"--run {item!r}: expected NAME=RUN_FOLDER")
        if not (Path(path) / "log.jsonl").is_file():
            raise XmodalError(f"--run {item!r}: {path} has no log.jsonl")
        runs[name] = Path(path)
    return runs


@cmgan_group.command("pictures")
@click.argument("model")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--run", "runs", multiple=True, metavar="NAME=RUN",
              help="A training run whose evaluations go into the epoch curve (repeatable).")
@click.option("--prefix", default="", help="File name prefix, e.g. the variant.")
def pictures_cmd(model: str, out: Path, runs: tuple[str, ...], prefix: str) -> None:
    """Generated pictures per instrument beside real test drawings; the accuracy-per-epoch curve."""
    from .data import windows_for
    from .frozen import load_gamma
    from .pictures import epoch_curve, instrument_grid

    pipeline = _load(model).eval()
    named = _runs(runs)
    out.mkdir(parents=True, exist_ok=True)
    click.echo(str(instrument_grid(pipeline, load_gamma(), out / f"{prefix}instruments.png")))
    if named:
        per_epoch = len(windows_for("gan-train", progress=False)) / 64
        click.echo(str(epoch_curve(named, out / f"{prefix}epochs.png", per_epoch)))


@cmgan_group.command("bundle")
@click.argument("run", type=click.Path(path_type=Path, file_okay=False, exists=True))
def bundle_cmd(run: Path) -> None:
    """Copy a finished run's exported model into the plugin as ``cmgan`` and render its card."""
    import shutil

    from engine.errors import XmodalError

    from . import WEIGHTS
    from .cards import write_bundled_card

    source = run / "model"
    if not (source / "config.json").is_file():
        raise XmodalError(f"{run} has no model/config.json: is the run finished?")
    target = WEIGHTS["cmgan"]
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "model.safetensors", "metrics.json"):
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    click.echo(str(write_bundled_card()))


@cmgan_group.command("card")
def card_cmd() -> None:
    """Render the bundled ``cmgan`` model card again from its config and metrics."""
    from .cards import write_bundled_card

    click.echo(str(write_bundled_card()))


def _add_i2s_commands(group: click.Group) -> None:
    """The I2S subcommands live in their own module (written separately); add them if present."""
    if importlib.util.find_spec("xmodal_cmgan.i2s_commands") is None:
        return
    module = importlib.import_module("xmodal_cmgan.i2s_commands")
    module.register(group)


_add_i2s_commands(cmgan_group)
