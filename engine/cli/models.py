"""``xmodal info``, the full path: any model reference, any config, with precise errors.

Plain ``info NAME`` of a local or bundled model is answered earlier, without
click or pydantic, by :mod:`engine.cli.fastinfo`; this command handles the rest
(Hub ids, ``--revision``, configs that need validating) and still imports no
torch: it resolves the folder and reads ``config.json`` with the torch-free
:class:`engine.config.PipelineConfig`.
"""

from __future__ import annotations

import click

from ._options import parse_options
from .translate import translate_cmd

__all__ = ["info_cmd", "parse_options", "translate_cmd"]  # the last two: where they used to live


@click.command("info")
@click.argument("ref")
@click.option("--revision", default=None, help="Hub revision when REF is a repo id.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_cmd(ref: str, revision: str | None, as_json: bool) -> None:
    """Summarise a model: its card, config and measured metrics."""
    from ..config import PipelineConfig
    from ..loading import resolve
    from .fastinfo import CONFIG_NAME, METRICS_NAME, read_json_object, render, summarise

    folder = resolve(ref, revision)
    config = PipelineConfig.read(folder / CONFIG_NAME)
    metrics = read_json_object(str(folder / METRICS_NAME)) or {}
    click.echo(render(summarise(str(folder), config.model_dump(mode="json"), metrics), as_json))
