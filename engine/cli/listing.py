"""``xmodal list`` and ``xmodal plugins``.

``list`` must stay fast and work even where torch cannot be imported: it reads
only ``registry.toml`` and entry-point metadata. ``plugins`` imports each plugin
to report its hooks and any load error.
"""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from typing import Any

import click

from ..catalogue import catalogue
from ..plugins import PluginManager, get_manager

__all__ = ["list_cmd", "model_rows", "plugins_cmd"]

#: Plugins may announce model names here so ``xmodal list`` shows them unimported:
#: ``[project.entry-points."xmodal.models"] mymodel = "myplugin"`` (value: plugin name).
MODELS_GROUP = "xmodal.models"


def model_rows(manager: PluginManager) -> list[dict[str, Any]]:
    """One row per known model: the catalogue plus models plugins announce in metadata."""
    installed = manager.infos()
    rows = [
        {
            "name": entry.name,
            "plugin": entry.plugin,
            "task": entry.task,
            "installed": entry.plugin in installed,
            "description": entry.description,
        }
        for entry in catalogue().values()
    ]
    seen = {row["name"] for row in rows}
    for ep in entry_points(group=MODELS_GROUP):
        if ep.name in seen:
            continue
        seen.add(ep.name)
        rows.append(
            {
                "name": ep.name,
                "plugin": ep.value,
                "task": "",
                "installed": ep.value in installed,
                "description": "announced by an installed plugin",
            }
        )
    return sorted(rows, key=lambda r: str(r["name"]))


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
def list_cmd(as_json: bool) -> None:
    """List known models and whether their plugin is installed (fast; imports no plugin)."""
    rows = model_rows(PluginManager())
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(str(r["name"])) for r in rows) if rows else 4
    pwidth = max(len(str(r["plugin"])) for r in rows) if rows else 6
    click.echo(f"{'NAME':<{width}}  {'PLUGIN':<{pwidth}}  {'TASK':<15}  INSTALLED")
    for r in rows:
        mark = "yes" if r["installed"] else f"no (pip install xmodal-{r['plugin']})"
        click.echo(f"{r['name']:<{width}}  {r['plugin']:<{pwidth}}  {r['task']:<15}  {mark}")


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
        click.echo("no plugins installed (pip install xmodal-<name>; see 'xmodal list')")
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
