"""``xmodal aivae ...``: the plugin's own commands for the paper's pictures and its evaluator.

    xmodal aivae pictures MODEL --out grid.png            generated vs real digits (Figures 3-7)
    xmodal aivae ablation MODEL [MODEL...] --out a.png     accuracy vs zeroed latent dimensions
    xmodal aivae lenet [--out DIR]                          retrain the bundled LeNet-5 evaluator
    xmodal aivae alpha-grid RUN [RUN...] --out t5.png       Table 5 from finished aivaegan runs
    xmodal aivae voices MODEL [--write]                     heard / unheard voices / unheard engine

MODEL is anything ``engine.load`` accepts (catalogue name, folder, Hub id).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

if TYPE_CHECKING:
    from .pipeline import AivaePipeline, Setting

__all__ = ["aivae_group"]

_SETTINGS = click.Choice(["many-to-one", "one-to-one", "unseen-speakers", "voices-1to1",
                          "voices-heard", "voices-unheard", "voices-engine"])


def _load(ref: str) -> tuple[AivaePipeline, str]:
    """Imports torch only here, so that ``xmodal --help`` stays fast."""
    import engine

    from .pipeline import AivaePipeline

    model = engine.load(ref)
    if not isinstance(model, AivaePipeline):
        raise engine.XmodalError(f"{ref} is a {model.config.model_type} model, not an aivae one")
    return model, model.config.name


def _setting(value: str | None) -> Setting | None:
    return cast("Setting | None", value)


@click.group("aivae")
def aivae_group() -> None:
    """AIVAE / AIVAEGAN pictures and evaluator (xmodal-aivae plugin)."""


@aivae_group.command("pictures")
@click.argument("model")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--setting", type=_SETTINGS, default=None,
              help="Test clips of this pairing (default: the model's).")
@click.option("--per-digit", default=8, show_default=True, help="Images per digit row.")
@click.option("--title", default=None, help="Figure title (default: the model name).")
def pictures_cmd(model: str, out: Path, setting: str | None, per_digit: int, title: str | None) -> None:
    """Digits generated from test speech beside real MNIST digits, one row per digit."""
    from .evaluation import pairs_for
    from .pictures import comparison_grid

    pipeline, name = _load(model)
    pairs = pairs_for(pipeline, "test", _setting(setting))
    comparison_grid(pipeline, pairs, out, title=title or name, per_digit=per_digit)
    click.echo(str(out))


@aivae_group.command("ablation")
@click.argument("models", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "json_out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Also write the curves as JSON.")
@click.option("--setting", type=_SETTINGS, default=None,
              help="Test clips of this pairing (default: each model's).")
@click.option("--orders", default=5, show_default=True, help="Random zeroing orders averaged.")
def ablation_cmd(models: tuple[str, ...], out: Path, json_out: Path | None, setting: str | None,
                 orders: int) -> None:
    """LeNet accuracy with k = 0..64 latent dimensions zeroed (random and least-KL-first orders)."""
    from .evaluation import latent_ablation, pairs_for
    from .pictures import ablation_plot

    curves: dict[str, Any] = {}
    for ref in models:
        pipeline, name = _load(ref)
        pairs = pairs_for(pipeline, "test", _setting(setting))
        curves[name] = latent_ablation(pipeline, pairs, orders=orders)
        mean = curves[name]["random_mean"]
        click.echo(f"{name}: k=0 {mean[0]:.4f}, k=32 {mean[32] if len(mean) > 32 else float('nan'):.4f}, "
                   f"k=all {mean[-1]:.4f}")
    ablation_plot(curves, out)
    if json_out is not None:
        json_out.write_text(json.dumps(curves, indent=1) + "\n")
    click.echo(str(out))


@aivae_group.command("alpha-grid")
@click.argument("runs", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False))
def alpha_grid_cmd(runs: tuple[Path, ...], out: Path) -> None:
    """Table 5 (Markdown) and its plot from finished `xmodal train aivaegan` run folders."""
    from .alphagrid import alpha_plot, markdown_table, read_cells

    cells = read_cells(runs)
    click.echo(markdown_table(cells))
    click.echo(str(alpha_plot(cells, out)))


@aivae_group.command("lenet")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for lenet5.safetensors and lenet5.json (default: the bundled one).")
@click.option("--epochs", default=40, show_default=True)
@click.option("--seed", default=0, show_default=True)
def lenet_cmd(out: Path | None, epochs: int, seed: int) -> None:
    """Retrain the LeNet-5 evaluator on the mnist train split and report its test accuracy."""
    from .lenet import LENET_WEIGHTS, save_lenet, train_lenet

    model, metrics = train_lenet(epochs=epochs, seed=seed)
    save_lenet(model, metrics, out or LENET_WEIGHTS)
    click.echo(json.dumps(metrics))


@aivae_group.command("voices")
@click.argument("model")
@click.option("--write", is_flag=True,
              help="Store the figures as voices-eval.json in MODEL's folder (MODEL must be one).")
def voices_cmd(model: str, write: bool) -> None:
    """LeNet accuracy on heard voices, unheard voices, an unheard engine and today's test set."""
    from .voiceeval import FILE, voice_figures

    pipeline, _ = _load(model)
    figures = voice_figures(pipeline)
    text = json.dumps(figures, indent=1)
    click.echo(text)
    if write:
        folder = Path(model)
        if not folder.is_dir():
            raise click.UsageError("--write needs MODEL to be a model folder")
        (folder / FILE).write_text(text + "\n", encoding="utf-8")
