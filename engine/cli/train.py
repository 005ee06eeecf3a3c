"""``xmodal train`` and ``xmodal eval``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ._target import device_option

__all__ = ["eval_cmd", "train_cmd"]

_SET_HELP = "Override one config field, e.g. --set steps=200 --set architecture.width=32 (repeatable)."


@click.command("train")
@click.argument("name")
@click.option("--preset", default=None,
              help="Config preset: test, cpu-small (default), paper, or the recipe's own.")
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Run folder: log, checkpoints, plot and the exported model.")
@click.option("--resume", is_flag=True, help="Continue the run in --out from its last checkpoint.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
def train_cmd(name: str, preset: str | None, out: Path, resume: bool, settings: tuple[str, ...]) -> None:
    """Train recipe NAME into the run folder OUT (see docs/training.md).

    SIGTERM or Ctrl-C writes a checkpoint and exits with status 128+signal;
    a NaN/inf loss stops with status 2, keeping the last good checkpoint.
    """
    from ..train.config import parse_overrides
    from ..train.guard import TrainingInterrupted
    from ..train.loop import train

    try:
        result = train(name, out, preset=preset, overrides=parse_overrides(settings), resume=resume)
    except TrainingInterrupted as exc:
        click.echo(f"xmodal: {exc}", err=True)
        sys.exit(128 + exc.signum)
    if result.model_dir is None:  # not the main process of a multi-process run
        return
    metrics = ", ".join(f"{k} {v:.4g}" for k, v in result.metrics.items()) or "no metrics"
    best = f" (best checkpoint: step {result.best['step']})" if result.best else ""
    click.echo(
        f"trained {name} for {result.steps} steps in {result.elapsed:.1f} s{best}; "
        f"{metrics}; model: {result.model_dir}"
    )


def _list_metrics(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--list-metrics``: the metrics recipes can build by name (``register_metrics``)."""
    if not value or ctx.resilient_parsing:
        return
    from ..plugins import get_manager

    manager = get_manager()
    manager.load_all()
    names = manager.metrics.names()
    width = max((len(n) for n in names), default=0)
    for name in names:
        factory = manager.metrics.get(name)
        doc = (getattr(factory, "__doc__", None) or "").strip().splitlines()
        click.echo(f"{name:<{width}}  {manager.metrics.owner(name)}  {doc[0] if doc else ''}".rstrip())
    ctx.exit()


@click.command("eval")
@click.argument("ref")
@click.option("--list-metrics", is_flag=True, is_eager=True, expose_value=False,
              callback=_list_metrics, help="List the registered metrics (name, owner) and exit.")
@click.option("--split", default="test", show_default=True, help="Which split to evaluate on.")
@click.option("--preset", default="cpu-small", show_default=True,
              help="Recipe preset that sizes the evaluation data.")
@click.option("--recipe", default=None, help="Recipe to evaluate with (default: by model type).")
@click.option("--revision", default=None, help="Hub revision when REF is a repo id.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@device_option
def eval_cmd(
    ref: str, split: str, preset: str, recipe: str | None, revision: str | None,
    settings: tuple[str, ...], as_json: bool, device: str | None,
) -> None:
    """The paper's metrics for model REF (catalogue name, folder or Hub repo id)."""
    from ..train.config import parse_overrides
    from ..train.evaluate import evaluate

    result = evaluate(
        ref, split=split, preset=preset, overrides=parse_overrides(settings), recipe=recipe,
        revision=revision, device=device,
    )
    if as_json:
        click.echo(json.dumps(result.as_dict(), sort_keys=True))
        return
    click.echo(f"{result.model} ({result.recipe}, split {result.split})")
    width = max((len(k) for k in result.metrics), default=0)
    for key, value in result.metrics.items():
        click.echo(f"  {key:<{width}}  {value:.6g}")
