"""``xmodal sound2image ...``: the plugin's tools.

    xmodal sound2image train-judge [--out DIR]       retrain the independent evaluation classifier
    xmodal sound2image pictures MODEL --out DIR      the results page's pictures (rows, t-SNE)
    xmodal sound2image bundle RUN                    make RUN's export the bundled model
    xmodal sound2image card                          render the bundled model card again

MODEL is anything ``engine.load`` accepts (catalogue name, folder, Hub id).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

__all__ = ["sound2image_group"]


@click.group("sound2image")
def sound2image_group() -> None:
    """sound2image tools: the judge, pictures, bundling (xmodal-sound2image)."""


@sound2image_group.command("train-judge")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write (default: the bundled weights/judge).")
@click.option("--steps", default=1200, show_default=True)
@click.option("--width", default=24, show_default=True)
@click.option("--tiny", is_flag=True, help="Train on the tiny data sets (tests).")
def train_judge_cmd(out: Path | None, steps: int, width: int, tiny: bool) -> None:
    """Train the independent judge on real training pictures only (another design and seed)."""
    from . import JUDGE
    from .judge import train_judge

    click.echo(json.dumps(train_judge(out or JUDGE, steps=steps, width=width, tiny=tiny)["metrics"]))


@sound2image_group.command("pictures")
@click.argument("model")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--tiny", is_flag=True, help="Use the tiny data sets (tests).")
def pictures_cmd(model: str, out: Path, tiny: bool) -> None:
    """Sound -> generated -> original rows per class, and a t-SNE of the multimodal space."""
    import engine

    from .pictures import draw_rows, draw_tsne

    pipeline = engine.load(model)
    out.mkdir(parents=True, exist_ok=True)
    click.echo(str(draw_rows(pipeline, out / "sound2image-rows.png", tiny=tiny)))
    click.echo(str(draw_tsne(pipeline, out / "sound2image-tsne.png", tiny=tiny)))


@sound2image_group.command("bundle")
@click.argument("run", type=click.Path(exists=True, file_okay=False, path_type=Path))
def bundle_cmd(run: Path) -> None:
    """Copy RUN/model into the plugin's weights/sound2image and render its card."""
    from engine import XmodalError

    from . import WEIGHTS
    from .cards import write_bundled_card

    src = run / "model"
    if not (src / "model.safetensors").is_file():
        raise XmodalError(f"{src} has no model.safetensors: is {run} a finished sound2image run?")
    dest = WEIGHTS["sound2image"]
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest)
    click.echo(str(write_bundled_card()))


@sound2image_group.command("card")
def card_cmd() -> None:
    """Render the bundled model's README.md from its config.json and metrics.json."""
    from .cards import write_bundled_card

    click.echo(str(write_bundled_card()))
