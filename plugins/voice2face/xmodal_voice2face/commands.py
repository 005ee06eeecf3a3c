"""``xmodal voice2face ...``: the plugin's tools.

    xmodal voice2face assign [--write]            draw the voice -> face assignment (assignment.json)
    xmodal voice2face train-faceid                retrain the independent face classifier
    xmodal voice2face train-encoder               train the paper's 1-D CNN voice encoder
    xmodal voice2face pictures MODEL --out DIR [--run RUN]   the results page's pictures
    xmodal voice2face bundle RUN                  make RUN's export the bundled model
    xmodal voice2face card                        render the bundled model card again

MODEL is anything ``engine.load`` accepts (catalogue name, folder, Hub id).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click

__all__ = ["voice2face_group"]


@click.group("voice2face")
def voice2face_group() -> None:
    """voice2face tools: assignment, helper networks, pictures, bundling (xmodal-voice2face)."""


@voice2face_group.command("assign")
@click.option("--seed", default=0, show_default=True)
@click.option("--write", is_flag=True, help="Overwrite the committed assignment.json.")
def assign_cmd(seed: int, write: bool) -> None:
    """Draw the gender-matched voice identity of every Olivetti face, and the identity split."""
    from engine import data

    from .assignment import ASSIGNMENT_FILE, build_assignment

    assignment = build_assignment(data.load("voices"), seed)
    text = json.dumps(assignment, indent=1) + "\n"
    if write:
        ASSIGNMENT_FILE.write_text(text, encoding="utf-8")
        click.echo(str(ASSIGNMENT_FILE))
    else:
        click.echo(text, nl=False)


@voice2face_group.command("train-faceid")
@click.option("--steps", default=600, show_default=True)
def train_faceid_cmd(steps: int) -> None:
    """Train the independent face classifier on real training-identity photos (weights/faceid)."""
    from .faceid import train_faceid

    click.echo(json.dumps(train_faceid(steps=steps)))


@voice2face_group.command("train-encoder")
@click.option("--steps", default=1500, show_default=True)
@click.option("--width", default=64, show_default=True, help="Hidden width (paper 256).")
def train_encoder_cmd(steps: int, width: int) -> None:
    """Train the paper's 1-D CNN for speaker ID on voices that are not test identities."""
    from .encoder_train import train_encoder

    click.echo(json.dumps(train_encoder(steps=steps, width=width)))


@voice2face_group.command("pictures")
@click.argument("model")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--run", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="A training run folder: also plot its curves.")
@click.option("--face", default="s9", show_default=True, help="Whose voice the utterance grid shows.")
def pictures_cmd(model: str, out: Path, run: Path | None, face: str) -> None:
    """Unseen and known voices' faces beside the real ones, one voice's faces, training curves."""
    import engine
    from engine.train.plots import plot_log

    from .data import voice_table
    from .pictures import known_grid, unseen_grid, utterance_grid

    pipeline = engine.load(model)
    encoder = pipeline.architecture(pipeline.config).encoder
    table = voice_table(encoder)
    out.mkdir(parents=True, exist_ok=True)
    for path in (unseen_grid(pipeline, table, out / "unseen.png"),
                 known_grid(pipeline, table, out / "known.png"),
                 utterance_grid(pipeline, table, face, out / "one-voice.png")):
        click.echo(str(path))
    if run is not None:
        curve = plot_log(run / "log.jsonl", out / "training.png", title="voice2face training")
        if curve is not None:
            click.echo(str(curve))


@voice2face_group.command("bundle")
@click.argument("run", type=click.Path(path_type=Path, file_okay=False, exists=True))
def bundle_cmd(run: Path) -> None:
    """Copy a finished run's exported model into the plugin and render its card."""
    from engine.errors import XmodalError

    from . import WEIGHTS
    from .cards import write_bundled_card

    source = run / "model"
    if not (source / "config.json").is_file():
        raise XmodalError(f"{run} has no model/config.json: is the run finished?")
    target = WEIGHTS["voice2face"]
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "model.safetensors", "metrics.json"):
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    click.echo(str(write_bundled_card()))


@voice2face_group.command("card")
def card_cmd() -> None:
    """Render the bundled model's README.md again from its config and metrics."""
    from .cards import write_bundled_card

    click.echo(str(write_bundled_card()))
