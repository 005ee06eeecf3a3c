"""``xmodal face2nsynth ...``: the plugin's own tools, with the CLI's one-line error contract.

    xmodal face2nsynth pictures MODEL --out DIR [--prefix aux-]   Figures 2 b and 3, spectrograms
    xmodal face2nsynth samples MODEL --out DIR                    playable WAVs and their table
    xmodal face2nsynth export RUN [--row NAME=RUN ...]            bundle a run with its ablation card
    xmodal face2nsynth audio-nets --out DIR                       retrain phi's psi and the classifiers
    xmodal face2nsynth fit-notes [--width 8 --steps 1000]         the generator's capacity check

MODEL is anything ``engine.load`` accepts (``face2nsynth`` for the bundled model, a folder,
a Hub id). A user error (a missing run, a model of another plugin) is one line on stderr
and exit status 2, as for the engine's own commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .pipeline import Face2NSynthPipeline

__all__ = ["face2nsynth_group"]

def _load(ref: str) -> Face2NSynthPipeline:
    """Imports torch only here, so that ``xmodal --help`` stays fast."""
    import engine

    from .pipeline import Face2NSynthPipeline

    model = engine.load(ref)
    if not isinstance(model, Face2NSynthPipeline):
        raise engine.XmodalError(f"{ref} is a {model.config.model_type} model, not a face2nsynth one")
    return model


@click.group("face2nsynth")
def face2nsynth_group() -> None:
    """Face-to-music pictures, export and frozen audio nets (xmodal-face2nsynth plugin)."""


@face2nsynth_group.command("pictures")
@click.argument("model")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--prefix", default="", help="File name prefix, e.g. the row name.")
def pictures_cmd(model: str, out: Path, prefix: str) -> None:
    """The phi space, faces grouped by family and spectrograms, on the held-out faces."""
    from .data import load_notes
    from .pictures import draw_face_grid, draw_metric_space, draw_spectrograms
    from .recipe import Face2NSynthRecipe

    generator = _load(model).translator
    evaluator = Face2NSynthRecipe(Face2NSynthRecipe.configure("cpu-small")).evaluator("test")
    click.echo(str(draw_metric_space(evaluator, generator, out / f"{prefix}metric-space.png")))
    click.echo(str(draw_face_grid(evaluator, generator, out / f"{prefix}faces-by-family.png")))
    click.echo(str(draw_spectrograms(evaluator, generator, load_notes("test"),
                                     out / f"{prefix}spectrograms.png")))


@face2nsynth_group.command("samples")
@click.argument("model")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False))
def samples_cmd(model: str, out: Path) -> None:
    """Held-out faces at MIDI 48, 60, 72 and real test notes as WAVs; prints a Markdown table."""
    from .data import load_notes
    from .recipe import Face2NSynthRecipe
    from .samples import write_samples

    generator = _load(model).translator
    evaluator = Face2NSynthRecipe(Face2NSynthRecipe.configure("cpu-small")).evaluator("test")
    click.echo("\n".join(write_samples(evaluator, generator, load_notes("test"), out)))


def _rows(items: tuple[str, ...]) -> dict[str, Path]:
    import engine

    rows: dict[str, Path] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise engine.XmodalError(f"--row {item!r}: expected NAME=RUN_FOLDER")
        rows[name] = Path(path)
    return rows


@face2nsynth_group.command("export")
@click.argument("run", type=click.Path(path_type=Path, file_okay=False))
@click.option("--row", "rows", multiple=True, metavar="NAME=RUN",
              help="Another ablation row's run folder (repeatable).")
@click.option("--target", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder to write (default: the bundled model's).")
@click.option("--earlier", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="JSON of rows measured before (e.g. the WaveGAN ablation), listed first.")
def export_cmd(run: Path, rows: tuple[str, ...], target: Path | None, earlier: Path | None) -> None:
    """Copy a finished run's model into the plugin with the ablation table in its card."""
    from .export import export

    folder, table = export(run, _rows(rows), target, earlier)
    click.echo(str(folder))
    click.echo(table)


@face2nsynth_group.command("audio-nets")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for audio-nets.safetensors and audio-nets.json.")
@click.option("--psi-steps", type=int, default=None, help="Default: the bundled nets' 1000.")
@click.option("--family-steps", type=int, default=None, help="Default: the bundled nets' 600.")
@click.option("--pitch-steps", type=int, default=None, help="Default: the bundled nets' 400.")
@click.option("--batch", default=96, show_default=True)
@click.option("--width", default=16, show_default=True, help="Classifier width.")
@click.option("--psi-width", default=8, show_default=True, help="Width of phi's triplet network.")
@click.option("--tiny", is_flag=True, help="The gm-notes tiny variant (smoke test).")
def audio_nets_cmd(out: Path, psi_steps: int | None, family_steps: int | None,
                   pitch_steps: int | None, batch: int, width: int, psi_width: int,
                   tiny: bool) -> None:
    """Retrain phi's psi and the pitch and family classifiers on gm-notes train."""
    from .frozen import train_audio_nets

    given = {"psi": psi_steps, "family": family_steps, "pitch": pitch_steps}
    steps = {name: value for name, value in given.items() if value is not None}
    meta = train_audio_nets(out, steps=steps, batch=batch, width=width, psi_width=psi_width,
                            tiny=tiny)
    click.echo(json.dumps(meta["metrics"], indent=2))


@face2nsynth_group.command("fit-notes")
@click.option("--width", default=8, show_default=True, help="Generator width d.")
@click.option("--steps", default=1000, show_default=True)
@click.option("--notes", default=16, show_default=True, help="Real training notes to fit.")
def fit_notes_cmd(width: int, steps: int, notes: int) -> None:
    """Fit the generator directly to real notes: can it make pitched notes at all?"""
    from .capacity import fit_notes

    click.echo(json.dumps(fit_notes(width, steps, notes)))
