"""``xmodal demo``: the bundled models on sample inputs, with an overview picture."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["demo_cmd"]


@click.command("demo")
@click.option("-o", "--out", "out", default=Path("out/demo"), type=click.Path(path_type=Path),
              show_default=True, help="Folder for the translations and overview.png.")
@click.argument("models", nargs=-1)
def demo_cmd(out: Path, models: tuple[str, ...]) -> None:
    """Translate sample inputs with every installed model (or just MODELS)."""
    from ..demo import run_demo

    results = run_demo(out, list(models) or None)
    for result in results:
        if result.skipped:
            click.echo(f"{result.model:<14} skipped: {result.skipped}")
        for path in result.outputs:
            click.echo(f"{result.model:<14} {path}")
    if (out / "overview.png").is_file():
        click.echo(f"overview: {out / 'overview.png'}")
