"""The model listing, kept free of heavy imports.

``xmodal list`` is the command people run first and most; it answers from
``registry.toml`` and entry-point text alone. :func:`engine.cli.main` routes the
plain ``list`` / ``list --json`` invocations here before importing click, so
the command costs little more than starting Python.
"""

from __future__ import annotations

import sys

from ..catalogue import catalogue
from ..entrypoints import MODELS_GROUP, entry_points
from ..install import install_hint

__all__ = ["MODELS_GROUP", "model_rows", "render", "run"]

#: Plugins may announce model names here so the listing shows them unimported:
#: ``[project.entry-points."xmodal.models"] mymodel = "myplugin"`` (value: plugin name).


def model_rows() -> list[dict[str, object]]:
    """One row per known model: the catalogue plus models plugins announce in metadata."""
    installed = {ep.name for ep in entry_points("xmodal")}
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
    for ep in entry_points(MODELS_GROUP):
        if ep.name not in seen:
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


def render(rows: list[dict[str, object]], as_json: bool) -> str:
    if as_json:
        import json

        return json.dumps(rows, indent=2)
    width = max([4, *(len(str(r["name"])) for r in rows)])
    pwidth = max([6, *(len(str(r["plugin"])) for r in rows)])
    lines = [f"{'NAME':<{width}}  {'PLUGIN':<{pwidth}}  {'TASK':<15}  INSTALLED"]
    for r in rows:
        mark = "yes" if r["installed"] else f"no ({install_hint(str(r['plugin']))})"
        lines.append(f"{r['name']:<{width}}  {r['plugin']:<{pwidth}}  {r['task']:<15}  {mark}")
    return "\n".join(lines)


def run(as_json: bool) -> int:
    sys.stdout.write(render(model_rows(), as_json) + "\n")
    return 0
