"""``xmodal list`` and ``xmodal plugins``.

``list`` must stay fast and work even where torch cannot be imported: it reads
only ``registry.toml`` and entry-point metadata. ``plugins`` imports each plugin
to report its hooks and any load error.
"""

from __future__ import annotations

import json

import click

from ..plugins import get_manager
from .fastlist import model_rows, render

__all__ = ["list_cmd", "plugins_cmd"]

@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
def list_cmd(as_json: bool) -> None:
    """List known models and whether their plugin is installed (fast; imports no plugin)."""
    click.echo(render(model_rows(), as_json))


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def plugins_cmd(as_json: bool) -> None:
    """Show installed plugins, their versions, hooks and load errors (imports each one)."""
    manager = get_manager()
    manager.load_all()
    infos = [i for i in manager.infos().values() if i.name != "engine"]
    if as_json:
        click.echo(json.dumps([vars(i) for i in infos], indent=2))
        return
    if not infos:
        click.echo("no plugins installed (in a checkout: bash scripts/setup.sh, "
                   "or pip install plugins/<name>; see 'xmodal list')")
        return
    for info in infos:
        version = f" {info.version}" if info.version else ""
        dist = f"{info.distribution}{version}" if info.distribution else info.module
        if info.state == "failed":
            click.echo(f"{info.name}  [{dist}]  FAILED: {info.error}")
        else:
            hooks = ", ".join(info.hooks) or "no hooks"
            models = [n for n, s in manager.models.items() if s.plugin == info.name]
            click.echo(f"{info.name}  [{dist}]  api {info.api}  hooks: {hooks}")
            if models:
                click.echo(f"    models: {', '.join(models)}")
