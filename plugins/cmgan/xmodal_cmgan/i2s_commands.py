"""``xmodal cmgan ...`` subcommands of ``cmgan-i2s`` (added to the core's group by :func:`register`).

    xmodal cmgan spectrogram PICTURE -o OUT.npy|OUT.png [--seed N] [--model REF]
                                   the generated log-mel itself: a float32 [128, 44] array in
                                   the features' units (natural log of mel power), or a picture
    xmodal cmgan i2s-pictures [--model REF] --out DIR [--run RUN]
                                   spectrograms per instrument beside real ones, sample WAVs
                                   (samples.json says what the judge hears in each), the curve
    xmodal cmgan i2s-bundle RUN    make RUN's exported model the bundled ``cmgan-i2s``
    xmodal cmgan i2s-card          render the bundled model card again

A user error (unreadable, empty, truncated or non-picture input, an unknown suffix, a model
of another kind) is one line on stderr and exit status 2, and nothing is written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .i2s_pipeline import I2SPipeline

__all__ = ["register"]

_SUFFIXES = (".npy", ".png")


def _load(ref: str) -> I2SPipeline:
    """Imports torch only here, so that ``xmodal --help`` stays fast."""
    import engine

    from .i2s_pipeline import I2SPipeline

    model = engine.load(ref)
    if not isinstance(model, I2SPipeline):
        raise engine.XmodalError(f"{ref} is a {model.config.model_type} model, not a cmgan-i2s one")
    return model


@click.command("spectrogram")
@click.argument("picture")
@click.option("-o", "--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="OUT.npy (float32 [128, 44] log-mel) or OUT.png (a picture of it).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the noise z.")
@click.option("--model", "ref", default="cmgan-i2s", show_default=True, help="Model to use.")
def spectrogram_cmd(picture: str, out: Path, seed: int, ref: str) -> None:
    """The log-mel spectrogram cmgan-i2s generates for PICTURE (before Griffin-Lim)."""
    import numpy as np

    from engine import XmodalError
    from engine.fileio import atomic_path

    from .i2s_pictures import save_lms_picture

    if out.suffix.lower() not in _SUFFIXES:
        given = out.suffix or "no suffix"
        raise XmodalError(f"{out}: write .npy (the array) or .png (a picture), not {given}")
    lms = _load(ref).spectrograms([picture], seed=seed)[0]
    with atomic_path(out) as tmp:
        if out.suffix.lower() == ".npy":
            with open(tmp, "wb") as fh:
                np.save(fh, lms.astype(np.float32))
        else:
            save_lms_picture(lms, tmp, f"{Path(picture).name}, seed {seed}")
    click.echo(str(out))


@click.command("i2s-pictures")
@click.option("--model", "ref", default="cmgan-i2s", show_default=True)
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--run", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="A training run folder: also draw its accuracy-per-step curve.")
def pictures_cmd(ref: str, out: Path, run: Path | None) -> None:
    """Generated spectrograms beside real ones per instrument, sample WAVs and the curve."""
    from .i2s_pictures import draw_accuracy_curve, draw_spectrogram_grid, write_samples
    from .i2s_recipe import I2SRecipe

    model = _load(ref)
    evaluator = I2SRecipe(I2SRecipe.configure("cpu-small")).evaluator()
    click.echo(str(draw_spectrogram_grid(model, evaluator, out / "cmgan-i2s-spectrograms.png")))
    rows = write_samples(model, evaluator, out)
    (out / "samples.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    click.echo(str(out / "samples.json"))
    if run is not None:
        click.echo(str(draw_accuracy_curve(run, out / "cmgan-i2s-epochs.png")))


@click.command("i2s-bundle")
@click.argument("run", type=click.Path(path_type=Path, file_okay=False, exists=True))
def bundle_cmd(run: Path) -> None:
    """Copy RUN/model (config, weights, metrics) into the bundled folder and render its card."""
    from engine import XmodalError

    from . import WEIGHTS
    from .i2s_cards import write_bundled_card

    model = run / "model"
    if not (model / "model.safetensors").is_file():
        raise XmodalError(f"{run} has no exported model (model/model.safetensors)")
    _load(str(model))  # refuse a folder of another kind before copying anything
    folder = WEIGHTS["cmgan-i2s"]
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "model.safetensors", "metrics.json"):
        shutil.copy2(model / name, folder / name)
    click.echo(str(write_bundled_card(folder, run=run)))


@click.command("i2s-card")
def card_cmd() -> None:
    """Render the bundled cmgan-i2s model card (README.md) again from its metrics."""
    from .i2s_cards import write_bundled_card

    click.echo(str(write_bundled_card()))


def register(group: click.Group) -> None:
    """Add the I2S subcommands to ``xmodal cmgan`` (called by the core's ``commands.py``)."""
    for command in (spectrogram_cmd, pictures_cmd, bundle_cmd, card_cmd):
        group.add_command(command)
